/**
 * The slow-connection cases (docs/slow.md) as lab recipes: each makes one
 * cause of slowness on real kernel TCP with tcpecho's own serve and connect,
 * and says what explain's time attribution must name. They run with a router
 * namespace between client and server (drops go in its forward hook: dropped
 * in the sender's own output hook, a packet counts as unsent and is resent
 * within microseconds), serve and connect pinned to CPU 0 (unpinned, veth
 * reorders packets and the control is not clean), and the kernel's own TCP
 * timers (nothing shortened: the timeouts are what is measured).
 * @module
 */
import type { LabScenario } from "./scenarios.ts";
import {
  control,
  CONTROL_BYTES,
  first,
  pmtuBlackHole,
  randomLoss,
  secondsOf,
  serverThinks,
  slowReader,
  synDrop,
  tailLoss,
  timeouts,
  writeWriteRead,
} from "./slow_runs.ts";

/** The slow-connection scenarios, in the order `tcpecho lab slow` runs them. */
export const SLOW_SCENARIOS: readonly LabScenario[] = [
  {
    id: "slow-control",
    verdict: "normal",
    section: "5.6",
    family: 4,
    title: "control: 24 MiB bulk over a 100 Mbit/s link, nothing in the way",
    book: "every byte sent, exit 0; no slowness",
    expect: { exit: 0 },
    run: control,
    slow: {
      cause: "none",
      expect: "no slowness sentence, under 0.05 s of loss time",
      check: (v) =>
        first(v, [
          [!v.slow, "a slowness sentence on the clean control"],
          // On a busy machine a pinned receiver can answer late enough for one
          // tail-loss probe (measured: 6 ms at load 17); never a real timeout.
          [secondsOf(v, "loss") < 0.05, "0.05 s or more of loss time on the clean control"],
          [v.timing?.client.goodBytes === CONTROL_BYTES, "not all the bytes from the client"],
        ]),
    },
  },
  {
    id: "slow-random-loss",
    verdict: "normal",
    section: "5.6",
    family: 4,
    title: "the control's 24 MiB, the router drops 5% of the client's segments",
    book: "every byte sent, exit 0; retransmissions",
    expect: { exit: 0 },
    simulated: "nft numgen random in the router's forward hook: a lossy path",
    run: randomLoss,
    slow: {
      cause: "loss",
      expect: "retransmitted bytes and loss time; a slowness sentence, if any, names loss",
      check: (v) =>
        first(v, [
          [(v.timing?.client.retransmittedBytes ?? 0) > 0, "no retransmitted bytes"],
          [secondsOf(v, "loss") > 0, "no loss time"],
          // Over the 100 Mbit/s link the queue makes the RTT long enough for loss
          // recovery to cost 30% of the time: a loss sentence, or none, never another.
          [!v.slow || v.slow.cause === "loss", "a slowness sentence that is not loss"],
        ]),
    },
  },
  {
    id: "slow-tail-loss",
    verdict: "normal",
    section: "5.6",
    family: 4,
    title: "the one request dropped for 1 s: timeouts with backoff",
    book: "the echo arrives late, exit 0",
    expect: { exit: 0 },
    simulated: "nft in the router's forward hook drops the client's data for 1 s",
    run: tailLoss,
    slow: {
      cause: "loss",
      expect: "loss: 2 or more retransmission timeouts, over 0.8 s",
      check: (v) =>
        first(v, [
          [timeouts(v) >= 2, "fewer than 2 timeouts"],
          [secondsOf(v, "loss") > 0.8, "loss time under 0.8 s"],
          [v.slow?.cause === "loss", "the slowness is not loss"],
          [/retransmission timeouts? \(/.test(v.slow?.sentence ?? ""), "no timeouts named"],
        ]),
    },
  },
  {
    id: "slow-syn-drop",
    verdict: "normal",
    section: "5.6",
    family: 4,
    title: "the first SYN dropped: the handshake waits for its retransmission",
    book: "connects 1 s late, exit 0",
    expect: { exit: 0 },
    simulated: "nft in the router's forward hook drops the client's SYNs for 0.5 s",
    run: synDrop,
    slow: {
      cause: "handshake",
      expect: "handshake: a SYN retransmission, about 1 s",
      check: (v) =>
        first(v, [
          [v.timing?.largestStall?.kind === "syn-retransmission", "largest stall not the SYN's"],
          [secondsOf(v, "handshake") > 0.9, "handshake under 0.9 s"],
          [v.slow?.cause === "handshake", "the slowness is not the handshake"],
        ]),
    },
  },
  {
    id: "slow-reader",
    verdict: "normal",
    section: "7.5",
    family: 4,
    title: "128 KiB to a server reading 64,000 B/s, SO_RCVBUF 16 KiB: zero window",
    book: "every byte sent, exit 0; the receiver's window closes",
    expect: { exit: 0 },
    run: slowReader,
    slow: {
      cause: "receive-window",
      expect: "receive-window: over 0.3 s, named in the sentence",
      check: (v) =>
        first(v, [
          [secondsOf(v, "receive-window") > 0.3, "receive-window time under 0.3 s"],
          [v.slow?.cause === "receive-window", "the slowness is not the receive window"],
          [/receive window/.test(v.slow?.sentence ?? ""), "no receive window in the sentence"],
        ]),
    },
  },
  {
    id: "slow-nagle",
    verdict: "normal",
    section: "7.9",
    family: 4,
    title: "write-write-read, TCP_NODELAY off: Nagle waits for a delayed ACK",
    book: "each round trip waits for the server's delayed ACK (~40 ms), exit 0",
    expect: { exit: 0 },
    run: writeWriteRead("off"),
    slow: {
      cause: "nagle",
      expect: "nagle: over 0.1 s, the sentence names TCP_NODELAY",
      check: (v) =>
        first(v, [
          [secondsOf(v, "nagle") > 0.1, "nagle time under 0.1 s"],
          [v.slow?.cause === "nagle", "the slowness is not nagle"],
          [/TCP_NODELAY/.test(v.slow?.sentence ?? ""), "TCP_NODELAY not named"],
        ]),
    },
  },
  {
    id: "slow-nodelay",
    verdict: "normal",
    section: "7.9",
    family: 4,
    title: "write-write-read, TCP_NODELAY on: no wait",
    book: "fast round trips, exit 0",
    expect: { exit: 0 },
    run: writeWriteRead("on"),
    slow: {
      cause: "none",
      expect: "no nagle time, no Nagle sentence",
      check: (v) =>
        first(v, [
          [secondsOf(v, "nagle") === 0, "nagle time with TCP_NODELAY on"],
          // A run of 0.1-0.2 s: on a loaded machine a server descheduled for 0.1 s
          // is rightly "answering late" (seen once at load 16); never Nagle.
          [v.slow?.cause !== "nagle", "a Nagle sentence with TCP_NODELAY on"],
        ]),
    },
  },
  {
    id: "slow-pmtu-blackhole",
    // Seen from the client, unanswered retransmissions: explain's book verdict is a
    // crashed host (the path is down for large segments), so no slowness sentence
    // (only calm verdicts get one); the time attribution names the black hole.
    verdict: "server-host-crash",
    section: "2.11",
    family: 4,
    title: "8000 bytes over an MTU-1280 hop, its ICMP dropped: a black hole",
    book: "the large segments never arrive; the client hangs until stopped",
    expect: { exit: 143, signal: "SIGTERM" },
    simulated: "MTU 1280 on the router's server side, nft drops the router's ICMP " +
      "destination unreachable (a firewall eating fragmentation-needed)",
    run: pmtuBlackHole,
    slow: {
      cause: "pmtu",
      expect: "pmtu: over 1 s, the largest stall a black hole",
      check: (v) =>
        first(v, [
          [secondsOf(v, "pmtu") > 1, "pmtu time under 1 s"],
          [v.timing?.largestStall?.kind === "black-hole", "largest stall not a black hole"],
          [!v.slow || v.slow.cause === "pmtu", "a slowness sentence that is not pmtu"],
        ]),
    },
  },
  {
    id: "slow-server-think",
    verdict: "normal",
    section: "5.6",
    family: 4,
    title: "a server that thinks 2 s before answering",
    book: "the echo arrives after 2 s, exit 0; the application, not the network",
    expect: { exit: 0 },
    run: serverThinks,
    slow: {
      cause: "server-app",
      expect: "server-app: the largest stall, about 2 s, the sentence blames the application",
      check: (v) =>
        first(v, [
          [v.timing?.largestStall?.cause === "server-app", "largest stall not server-app"],
          [(v.timing?.largestStall?.seconds ?? 0) > 1.9, "largest stall under 1.9 s"],
          [v.slow?.cause === "server-app", "the slowness is not the server's application"],
          [
            /server's application, the times between the client's data and the server's next \(2\.\d s at frames/
              .test(v.slow?.sentence ?? ""),
            "the sentence does not blame the server's application",
          ],
        ]),
    },
  },
];
