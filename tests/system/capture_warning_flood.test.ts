/**
 * A million warnings kept to a few lines (the capture layer's caps at scale):
 * moved from tests/unit/capture_damage.test.ts, which runs the same checks on
 * 20,000 records; each run here builds a 17-24 MB capture and takes seconds
 * of CPU (docs/testing.md).
 * @module
 */
import { test } from "node:test";
import { checkBadRecords, checkOverrunningOptions } from "../support/warning_flood.ts";

test("capture warnings: a million bad records make a few lines and exact counts", {
  timeout: 120_000,
}, async () => {
  await checkBadRecords(1_000_000);
});

test(
  "capture warnings: a million pcapng interface blocks with overrunning options make six lines",
  {
    timeout: 120_000,
  },
  async () => {
    await checkOverrunningOptions(1_000_000);
  },
);
