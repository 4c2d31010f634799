"""DNS round trips (issue 15): the `blacklist` command for 40 zones and the MX look-up, as
multiples of one round trip to a DNS server that delays every answer by a fixed time.

The server is the lab's DNS server (LabDnsServer, its ``delay`` option) in its own process,
with 40 test lists zNN.bench that pass both RFC 5782 self-tests, and three addresses:
192.0.2.55 (not listed, no PTR), 192.0.2.66 (listed on every list, with a TXT reason, no
PTR), 192.0.2.77 (not listed; PTR host.bench, whose A confirms it). It logs every query, so
the script prints the waves in which each command asked (a wave waits for the one before).

Figures, each a median of N:
- one round trip: one dnspython query (in process) and `dig` (a process; `apt-get install -y
  dnsutils`, skipped when missing);
- `smtp-tui blacklist ADDRESS --dns ... --zone z00.bench ... --zone z39.bench` as a
  process, against `dig`; and its dependent round trips: (time with the delay - time
  against the same server without delay) / delay, which takes process start-up out;
- the blacklist run in process (run_blacklist) and lookup_mx("example.test") against one
  dnspython query;
- the floor: the same questions sent at once from one bare dnspython socket, only parsed
  (``make_query``, ``from_wire``: what a plain dnspython client spends, no checks, no
  retries);
- the server's floor: the same questions made before the clock starts, sent at once, and
  their answers only counted, not read. The lab server answers one query after another in
  one Python process, so its own CPU spreads a burst's answers over tens of milliseconds
  (more with the machine's load): no client can finish before this floor;
- this process's CPU time per in-process run (blacklist and floor): the client's own cost,
  which the machine's load inflates far less than wall time.
Goals: blacklist <= 1.3 round trips with no PTR (a PTR's forward confirmation adds one);
MX look-up <= 1.3 x 2. Loopback only.

Run:  python benchmarks/dns_round_trips.py [--delay 0.2] [--runs 5] [--zones 40] [--commit REV]
                                           [--installed]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import shutil
import statistics
import sys
import time

from _lab_process import (
    PYTHON,
    ServerProcess,
    add_tree_argument,
    chosen_tree,
    describe,
    provenance,
    scratch_dirs,
    timed_run,
    tree_env,
    waves,
)

ADDRESSES = {
    "192.0.2.55": "not listed, no PTR",
    "192.0.2.66": "listed everywhere (TXT reason), no PTR",
    "192.0.2.77": "not listed, PTR + forward confirmation",
}


def blacklist_command(address: str, port: int, zones: int, python: str = PYTHON) -> list[str]:
    command = [
        python, "-m", "smtp_tui", "blacklist", address, "--dns", f"127.0.0.1:{port}",
        "--timeout", "5", "--helo", "client.lab.test",
    ]  # fmt: skip
    for number in range(zones):
        command += ["--zone", f"z{number:02d}.bench"]
    return command


def dig_command(port: int) -> list[str]:
    return ["dig", "@127.0.0.1", "-p", str(port), "+tries=1", "+time=5", "z00.bench", "A"]


async def one_query(port: int) -> float:
    from smtp_tui.core.dns import make_resolver, parse_dns_server, query

    resolver = make_resolver(parse_dns_server(f"127.0.0.1:{port}"), timeout=5.0)
    start = time.perf_counter()
    await query(resolver, "2.0.0.127.z00.bench.", "A")
    return time.perf_counter() - start


def sweep_questions(address: str, zones: int) -> list[tuple[str, str]]:
    """The questions the blacklist command asks for ``address`` (no PTR name's forward)."""
    label = ".".join(reversed(address.split(".")))
    questions = [(f"{label}.in-addr.arpa.", "PTR")]
    for number in range(zones):
        zone = f"z{number:02d}.bench."
        questions += [(f"{label}.{zone}", "A"), (f"{label}.{zone}", "TXT")]
        questions += [(f"2.0.0.127.{zone}", "A"), (f"1.0.0.127.{zone}", "A")]
    return questions


async def bare_socket_floor(port: int, questions: list[tuple[str, str]]) -> float:
    """The same questions from one bare UDP socket, every answer only parsed (no checks, no
    retries): the most a client can do against this server, whose own CPU spreads its
    answers out (it is one Python process answering one query after another)."""
    import dns.message

    loop = asyncio.get_running_loop()
    waiting: dict[int, asyncio.Future[None]] = {}

    class Floor(asyncio.DatagramProtocol):
        def datagram_received(self, data: bytes, addr: object) -> None:
            answer = dns.message.from_wire(data)
            future = waiting.pop(answer.id, None)
            if future is not None and not future.done():
                future.set_result(None)

    start = time.perf_counter()
    transport, _ = await loop.create_datagram_endpoint(Floor, remote_addr=("127.0.0.1", port))
    try:
        for name, rdtype in questions:
            message = dns.message.make_query(name, rdtype)
            while message.id in waiting:
                message.id = (message.id + 1) % 65536
            waiting[message.id] = loop.create_future()
            transport.sendto(message.to_wire())
        await asyncio.wait_for(asyncio.gather(*waiting.values()), 10.0)
    finally:
        transport.close()
    return time.perf_counter() - start


async def server_floor(port: int, questions: list[tuple[str, str]]) -> float:
    """The same questions, made before the clock starts, sent at once; the answers are only
    counted: how soon the server itself can answer the burst."""
    import dns.message

    loop = asyncio.get_running_loop()
    wires = []
    for number, (name, rdtype) in enumerate(questions):
        message = dns.message.make_query(name, rdtype)
        message.id = number
        wires.append(message.to_wire())
    done = loop.create_future()
    heard = [0]

    class Counter(asyncio.DatagramProtocol):
        def datagram_received(self, data: bytes, addr: object) -> None:
            heard[0] += 1
            if heard[0] == len(wires) and not done.done():
                done.set_result(None)

    start = time.perf_counter()
    transport, _ = await loop.create_datagram_endpoint(Counter, remote_addr=("127.0.0.1", port))
    try:
        for wire in wires:
            transport.sendto(wire)
        await asyncio.wait_for(done, 10.0)
    finally:
        transport.close()
    return time.perf_counter() - start


async def in_process_blacklist(address: str, port: int, zones: int) -> float:
    from smtp_tui.core.dns import parse_dns_server
    from smtp_tui.core.dnsbl_catalogue import zone_named
    from smtp_tui.plain.blacklist import run_blacklist
    from smtp_tui.plain.output import PipeSafeOutput

    chosen = [zone_named(f"z{number:02d}.bench", kind="ip") for number in range(zones)]
    out = PipeSafeOutput(io.StringIO())
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # anything printed beside ``out``
        await run_blacklist(
            address,
            chosen,
            parse_dns_server(f"127.0.0.1:{port}"),
            timeout=5.0,
            as_json=False,
            helo="client.lab.test",
            out=out,
        )
    return time.perf_counter() - start


async def in_process_mx(port: int) -> float:
    from smtp_tui.core.addresses import parse_domain
    from smtp_tui.core.dns import lookup_mx, make_resolver, parse_dns_server

    resolver = make_resolver(parse_dns_server(f"127.0.0.1:{port}"), timeout=5.0)
    start = time.perf_counter()
    result = await lookup_mx(parse_domain("example.test"), resolver)
    elapsed = time.perf_counter() - start
    assert len(result.hosts) == 2, result
    return elapsed


def median_of(runs: int, make: object, cpu: list[float] | None = None) -> list[float]:
    """``runs`` wall times; with ``cpu``, this process's CPU time of each run is added there
    (the client's own cost, which the machine's load does not inflate as it does wall time)."""
    walls = []
    for _ in range(runs):
        before = time.process_time()
        walls.append(asyncio.run(make()))  # type: ignore[operator]
        if cpu is not None:
            cpu.append(time.process_time() - before)
    return walls


def last_run_waves(log: list[tuple[float, str, str]], runs: int, delay_ms: float) -> list[str]:
    """The waves of the last of ``runs`` equal runs in ``log``, timed from its first query."""
    per_run = len(log) // runs
    last = log[-per_run:] if per_run else []
    return waves([(t - last[0][0], n, k) for t, n, k in last], delay_ms) if last else []


def measure_blacklist(
    address: str,
    slow: ServerProcess,
    fast: ServerProcess,
    env: dict[str, str],
    args: argparse.Namespace,
    one: float,
    dig: list[float],
) -> None:
    """The command as a process against both servers, then in process; waves of the last."""
    slow_times, fast_times = [], []
    for _ in range(args.runs):
        for server, times in ((slow, slow_times), (fast, fast_times)):
            command = blacklist_command(address, server.port, args.zones, args.python)
            times.append(timed_run(command, env)[0])
    log = slow.query_log()
    fast.query_log()
    slow_median, fast_median = statistics.median(slow_times), statistics.median(fast_times)
    print(f"  process, delayed server               {describe(slow_times)}")
    print(f"  process, same server without delay    {describe(fast_times)}")
    if dig:
        print(
            f"  ratio process / dig:                  {slow_median / statistics.median(dig):.2f}x"
        )
    trips = (slow_median - fast_median) / args.delay
    print(f"  dependent round trips (delayed - undelayed) / delay: {trips:.2f}")
    inside = median_of(args.runs, lambda: in_process_blacklist(address, slow.port, args.zones))
    slow.query_log()
    client_cpu: list[float] = []
    cpu = median_of(
        args.runs, lambda: in_process_blacklist(address, fast.port, args.zones), client_cpu
    )
    fast.query_log()
    questions = sweep_questions(address, args.zones)
    floor_cpu: list[float] = []
    floor = median_of(args.runs, lambda: bare_socket_floor(slow.port, questions), floor_cpu)
    slow.query_log()
    server = median_of(args.runs, lambda: server_floor(slow.port, questions))
    slow.query_log()
    print(f"  in process (run_blacklist)            {describe(inside)}")
    print(f"  in process, server without delay      {describe(cpu)}")
    print(f"  floor: {len(questions)} questions, bare socket  {describe(floor)}")
    print(f"  server's floor: answers only counted   {describe(server)}")
    print(
        f"  client CPU per run: blacklist {statistics.median(client_cpu) * 1000:.1f} ms, "
        f"floor {statistics.median(floor_cpu) * 1000:.1f} ms (process_time, median)"
    )
    print(f"  ratio in process / one query:         {statistics.median(inside) / one:.2f}x")
    print(f"  ratio floor / one query:              {statistics.median(floor) / one:.2f}x")
    print(f"  ratio server's floor / one query:     {statistics.median(server) / one:.2f}x")
    print(f"  queries per run: {len(log) // args.runs}; waves of the last run:")
    for line in last_run_waves(log, args.runs, args.delay * 1000):
        print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delay", type=float, default=0.2, help="answer delay, seconds")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--zones", type=int, default=40)
    parser.add_argument(
        "--installed",
        action="store_true",
        help="run the blacklist processes from an installed copy with bytecode "
        "(_lab_process.InstalledTree), not the editable install, which this environment "
        "compiles from source on every run (PYTHONDONTWRITEBYTECODE=1)",
    )
    add_tree_argument(parser)
    args = parser.parse_args()
    args.python = PYTHON
    args.tree = chosen_tree(args)
    if args.tree:
        sys.path.insert(0, args.tree)  # the in-process figures import the same tree
    delay_ms = args.delay * 1000
    print(provenance(args.tree))
    print(f"answer delay {delay_ms:.0f} ms, zones {args.zones}, runs {args.runs}")
    have_dig = shutil.which("dig") is not None
    if not have_dig:
        print("dig not found (apt-get install -y dnsutils): the process peer is skipped")
    with (
        contextlib.ExitStack() as stack,
        scratch_dirs() as dirs,
        ServerProcess(
            args.tree, "dns", "--delay", str(args.delay), "--zones", str(args.zones)
        ) as slow,
        ServerProcess(args.tree, "dns", "--delay", "0", "--zones", str(args.zones)) as fast,
    ):
        env = tree_env(args.tree, **dirs)
        if args.installed:
            from _lab_process import InstalledTree

            installed = stack.enter_context(InstalledTree(args.tree))
            args.python, env = installed.python, installed.env(**dirs)
            print(f"blacklist processes: an installed copy with bytecode, {installed.root}")
        single = median_of(args.runs, lambda: one_query(slow.port))
        print(f"\none dnspython query (in process)        {describe(single)}")
        slow.query_log()
        dig: list[float] = []
        if have_dig:
            dig = [timed_run(dig_command(slow.port), env)[0] for _ in range(args.runs)]
            print(f"one dig query (process)                 {describe(dig)}")
            slow.query_log()
        one = statistics.median(single)
        for address, what in ADDRESSES.items():
            print(f"\nblacklist {address} ({what}), {args.zones} zones")
            measure_blacklist(address, slow, fast, env, args, one, dig)
        mx = median_of(args.runs, lambda: in_process_mx(slow.port))
        log = slow.query_log()
        print("\nMX look-up of example.test (2 MX, each A and AAAA), in process")
        print(f"  lookup_mx                             {describe(mx)}")
        print(f"  ratio / one query: {statistics.median(mx) / one:.2f}x  (goal <= 2.6x: 1.3 x 2)")
        for line in last_run_waves(log, args.runs, delay_ms):
            print(f"    {line}")


if __name__ == "__main__":
    main()
