/**
 * Incremental reading: frames are delivered as bytes arrive (stdin, a pipe
 * from `tcpdump -U -w -`), not when the input ends.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { Readable } from "node:stream";
import { readCapture, streamSource } from "../../lib/capture/mod.ts";
import type { ByteSource } from "../../lib/capture/mod.ts";
import process from "node:process";
import { haveCommand, isRoot } from "../support/helpers.ts";
import { fixture, readRows } from "../fixtures/formats/util.ts";

test("capture stream: frames are delivered before the input ends (a slow source)", {
  timeout: 300_000,
}, async () => {
  const bytes = fixture("eth-usec.pcap");
  const half = 24 + 2000;
  let seenBeforeEnd = -1;
  let framesSoFar = 0;
  let step = 0;
  const src: ByteSource = {
    async read(into) {
      step++;
      if (step === 1) {
        into.set(bytes.subarray(0, half));
        return half;
      }
      if (step === 2) {
        // The reader must have delivered the first half's frames before asking again.
        await new Promise((r) => setTimeout(r, 20));
        seenBeforeEnd = framesSoFar;
        into.set(bytes.subarray(half));
        return bytes.length - half;
      }
      return null;
    },
  };
  const info = await readCapture(src, () => framesSoFar++);
  assert.ok(seenBeforeEnd > 5, `frames seen before the rest arrived: ${seenBeforeEnd}`);
  assert.equal(info.packets, (await readRows(bytes)).rows.length);
});

function toWeb(r: Readable): ReadableStream<Uint8Array> {
  return Readable.toWeb(r) as unknown as ReadableStream<Uint8Array>;
}

const NO_LIVE = !isRoot()
  ? "needs root (network namespace)"
  : !haveCommand("tcpdump") || !haveCommand("socat") || !haveCommand("ip")
  ? "needs tcpdump, socat and ip"
  : "";

test("capture stream: `tcpdump -U -w -` is read live while the capture runs", {
  timeout: 300_000,
  skip: NO_LIVE || false,
}, async () => {
  const ns = `tcpecho-cs-${process.pid}`;
  spawnSync("ip", ["netns", "add", ns]);
  let dump: ReturnType<typeof spawn> | undefined;
  try {
    spawnSync("ip", ["-n", ns, "link", "set", "lo", "up"]);
    dump = spawn("ip", ["netns", "exec", ns, "tcpdump", "-U", "-i", "lo", "-w", "-", "tcp"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    let frames = 0;
    const reading = readCapture(streamSource(toWeb(dump.stdout!)), () => frames++);
    reading.catch(() => {}); // awaited below; never an unhandled rejection if an assert fails first
    await new Promise((r) => setTimeout(r, 1000)); // tcpdump starts listening
    spawnSync("ip", [
      "netns",
      "exec",
      ns,
      "sh",
      "-c",
      "socat TCP-LISTEN:7007,reuseaddr EXEC:cat & sleep 0.3; " +
      "echo hello | socat -t 0.3 - TCP:127.0.0.1:7007; wait",
    ], { timeout: 10_000 });
    for (let i = 0; i < 50 && frames < 8; i++) await new Promise((r) => setTimeout(r, 100));
    const whileRunning = frames;
    assert.equal(dump.exitCode, null, "tcpdump still running");
    dump.kill("SIGINT");
    const info = await reading;
    assert.ok(whileRunning >= 8, `frames read while tcpdump ran: ${whileRunning}`);
    assert.equal(info.packets, frames);
    assert.equal(info.format, "pcap");
  } finally {
    if (dump && dump.exitCode === null) dump.kill("SIGKILL");
    spawnSync("ip", ["netns", "del", ns]);
  }
});
