/** A placeholder run for a command whose issue has not landed yet. */
import { TcpechoError } from "../lib/errors.ts";

/** Throws the "not built yet" error (exit 1). */
export function notBuilt(name: string): Promise<number> {
  return Promise.reject(
    new TcpechoError(`Cannot run '${name}': this command is not built yet`, {
      code: "ENOTBUILT",
      hint: "see the README for what works today",
    }),
  );
}
