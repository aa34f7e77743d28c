import { test } from "node:test";
import assert from "node:assert/strict";
import { addrString } from "../../lib/decode/mod.ts";
import { AddrNames } from "../../lib/tcp/addr_names.ts";

/** Dotted quad of a 32-bit word, made without the cache. */
function dotted(w: number): string {
  return [w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255].join(".");
}

test("AddrNames: an address asked again gives the same text, kept from its second sighting", () => {
  const names = new AddrNames(addrString);
  const first = names.text(4, 0x7f000001, 0, 0, 0);
  const second = names.text(4, 0x7f000001, 0, 0, 0);
  const third = names.text(4, 0x7f000001, 0, 0, 0);
  assert.equal(first, "127.0.0.1");
  assert.equal(second, "127.0.0.1");
  assert.equal(third, "127.0.0.1");
  assert.equal(names.text(4, 0, 0, 0, 0), "0.0.0.0");
  assert.equal(names.text(4, 0, 0, 0, 0), "0.0.0.0");
  assert.equal(names.text(4, 0xffffffff, 0, 0, 0), "255.255.255.255");
  assert.equal(names.text(4, 0xffffffff, 0, 0, 0), "255.255.255.255");
});

test("AddrNames: a flood of distinct addresses and colliding slots always give the right text", () => {
  const names = new AddrNames(addrString);
  // 198.18.0.0/15: 100,000 addresses, each asked twice, interleaved so slots collide.
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 100_000; i++) {
      const w = (0xc6120000 + i) >>> 0;
      assert.equal(names.text(4, w, 0, 0, 0), dotted(w));
    }
  }
  // Two addresses alternating in whatever slots they take.
  for (let i = 0; i < 1000; i++) {
    assert.equal(names.text(4, 0xc6120001, 0, 0, 0), "198.18.0.1");
    assert.equal(names.text(4, 0xc6130001, 0, 0, 0), "198.19.0.1");
  }
  assert.equal(names.text(6, 0x20010db8, 0, 0, 1), "2001:db8::1");
});
