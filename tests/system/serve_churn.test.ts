/**
 * serve under connect+RST churn for 10 s (issue 12): a normal client's echo
 * stays fast. Moved from tests/cli/serve_hostile.test.ts, which runs the same
 * check for 2 s: 10 s of 2,000 connections is a stress run (docs/testing.md).
 * @module
 */
import { test } from "node:test";
import { checkEchoUnderChurn } from "../support/churn.ts";

test("serve hostile/RST churn 200/s for 10 s: a normal client's echo stays under 100 ms", {
  timeout: 60_000,
}, async () => {
  await checkEchoUnderChurn(10);
});
