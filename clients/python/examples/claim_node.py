#!/usr/bin/python3
"""Claims a node, shows how to connect to it, keeps the lease a while, releases it.

    /usr/bin/python3 clients/python/examples/claim_node.py --label 'jammy && py312'
    /usr/bin/python3 clients/python/examples/claim_node.py --addr 127.0.0.1:7420 \\
        --label jammy --keep 5 --outcome failure --json

Exit codes: 0 done, 1 the scheduler refused or the claim failed or timed out,
2 a usage error, 130 interrupted (the claim is cancelled or released as aborted).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

# Runs from a checkout without installing: clients/python is the package root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from standby_client import OUTCOMES, Node, Progress, StandbyClient, StandbyError  # noqa: E402


def node_dict(node: Node) -> dict:
    d = asdict(node)
    d["created_at"] = node.created_at.isoformat() if node.created_at else None
    d["known_hosts"] = node.known_hosts_lines()
    return d


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", help="scheduler HOST:PORT (default $STANDBY_ADDR or 127.0.0.1:7420)")
    parser.add_argument("--label", action="append", required=True, help="label expression; repeat for a nodeset")
    parser.add_argument("--ttl", type=int, default=600, help="lease TTL in seconds (default 600)")
    parser.add_argument("--wait", type=float, default=300.0, help="seconds to wait for the nodes (default 300)")
    parser.add_argument("--keep", type=float, default=0.0, help="seconds to hold the lease before releasing (renewed in the background)")
    parser.add_argument("--outcome", choices=sorted(OUTCOMES), default="success", help="the job's outcome at release")
    parser.add_argument("--job", default="example", help="job name shown to operators")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args()

    def say(event: str, text: str, **fields) -> None:
        if args.json:
            print(json.dumps({"event": event, **fields}), flush=True)
        else:
            print(text, flush=True)

    def progress(p: Progress) -> None:
        say("progress", f"waiting: {p.event} {p.message}", claim_id=p.claim_id, what=p.event, message=p.message, queue_position=p.queue_position)

    try:
        with StandbyClient(args.addr) as client:
            lease = client.claim(args.label, ttl_seconds=args.ttl, wait_timeout=args.wait, job_name=args.job, requester="claim_node.py", on_progress=progress)
            say(
                "claimed",
                f"claim {lease.claim_id}: {len(lease.nodes)} node(s), lease until {lease.expires_at}",
                claim_id=lease.claim_id,
                ttl_seconds=lease.ttl_seconds,
                lease_expires_at=lease.expires_at.isoformat() if lease.expires_at else None,
                node_ids=[n.id for n in lease.nodes],
            )
            try:
                for claimed in lease.nodes:
                    # What the scheduler knows now, not the snapshot in the claim.
                    node = client.get_node(claimed.id)
                    say(
                        "node",
                        "\n".join(
                            [f"node {node.id} ({node.label} on {node.provider}, {node.state}): ssh -p {node.ssh_port} {node.username}@{node.address}"]
                            + [f"  known_hosts: {line}" for line in node.known_hosts_lines()]
                        ),
                        node=node_dict(node),
                    )
                if args.keep > 0:
                    time.sleep(args.keep)
                expires = lease.renew()
                say("renewed", f"lease renewed until {expires} ({lease.renewals} renewal(s) so far)", expires_at=expires.isoformat(), renewals=lease.renewals)
            except BaseException:
                lease.release("aborted")
                raise
            state = lease.release(args.outcome)
            say("released", f"released with {args.outcome}: claim {lease.claim_id} is {state}", claim_id=lease.claim_id, claim_state=state, outcome=args.outcome)
            return 0
    except StandbyError as err:
        say("error", f"error: {err}", code=err.code.name if err.code else None, message=err.message, kind=type(err).__name__)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
