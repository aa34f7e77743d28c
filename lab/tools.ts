/**
 * What the lab needs from the machine, checked before anything is created:
 * root, and the programs it drives (with the Debian package that has each).
 * @module
 */
import { accessSync, constants } from "node:fs";
import process from "node:process";
import { TcpechoError } from "../lib/errors.ts";

/** A program the lab runs and the Debian package that provides it. */
export interface LabTool {
  command: string;
  debianPackage: string;
  use: string;
}

/** Every program the lab runs. */
export const LAB_TOOLS: readonly LabTool[] = [
  { command: "ip", debianPackage: "iproute2", use: "network namespaces and the veth pair" },
  { command: "ss", debianPackage: "iproute2", use: "destroying the server's sockets (ss -K)" },
  { command: "nft", debianPackage: "nftables", use: "drops and ICMP rejects" },
  { command: "tcpdump", debianPackage: "tcpdump", use: "the capture" },
  { command: "tc", debianPackage: "iproute2", use: "the slow control's 100 Mbit/s link (tbf)" },
  { command: "taskset", debianPackage: "util-linux", use: "pinning the slow cases to one CPU" },
];

/**
 * Where a program is on PATH, or undefined.
 *
 * @example
 * ```ts
 * findOnPath("ip"); // "/usr/sbin/ip"
 * ```
 */
export function findOnPath(command: string): string | undefined {
  const dirs = (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin"]);
  for (const dir of dirs) {
    if (dir === "") continue;
    try {
      accessSync(`${dir}/${command}`, constants.X_OK);
      return `${dir}/${command}`;
    } catch { /* not here */ }
  }
  return undefined;
}

/** The tools that are missing (empty when all are there). */
export function missingTools(): LabTool[] {
  return LAB_TOOLS.filter((t) => findOnPath(t.command) === undefined);
}

/**
 * Throws one clear error (exit 1) when the lab cannot run here: Deno
 * permissions missing, not root, or
 * a program missing (naming the Debian packages to install).
 *
 * @example
 * ```ts
 * assertLabCanRun(true); // returns, or throws TcpechoError "Cannot run the lab: …"
 * ```
 */
export function assertLabCanRun(isRoot: boolean, missingPermissions: string[] = []): void {
  if (missingPermissions.length > 0) {
    throw new TcpechoError(
      `Cannot run the lab: Deno was not given ${missingPermissions.join(" ")}`,
      {
        code: "EPERM",
        hint: "run it with deno run -A (the lab starts programs and writes captures as root)",
      },
    );
  }
  if (process.platform !== "linux") {
    throw new TcpechoError(
      `Cannot run the lab: it needs Linux network namespaces (this is ${process.platform})`,
      { code: "ELAB", hint: "run it on a Linux machine or VM, as root" },
    );
  }
  if (!isRoot) {
    throw new TcpechoError(
      "Cannot run the lab: creating network namespaces needs root (uid 0)",
      { code: "EPERM", hint: "run it with sudo: sudo tcpecho lab --list" },
    );
  }
  const missing = missingTools();
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((t) => t.debianPackage))].join(" ");
    const what = missing.map((t) => `${t.command} (${t.use})`).join(", ");
    throw new TcpechoError(`Cannot run the lab: missing ${what}`, {
      code: "ENOENT",
      hint: `on Debian or Ubuntu: sudo apt-get install ${pkgs}`,
    });
  }
}
