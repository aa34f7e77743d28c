/** Path helpers over node:path and node:url (both runtimes provide them). */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export { dirname, join };

/** Converts a file: URL to a path. */
export function fromFileUrl(url: string): string {
  return fileURLToPath(url);
}
