"""A small client for standby's public API (standby.v1) over the generated stubs.

    from standby_client import StandbyClient

    with StandbyClient("127.0.0.1:7420") as client:
        with client.claim("jammy && py312", ttl_seconds=600) as lease:
            node = lease.nodes[0]
            run_job(node.address, node.ssh_port, node.username, node.host_keys)
        # leaving the block releases: success, or failure if it raised

claim() waits for the nodes (reporting queue progress), and the lease renews
itself in a background thread at a third of its TTL until it is released.
Every error is a StandbyError subclass (errors.py).
"""

from __future__ import annotations

import math
import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Optional, Sequence, Union

import grpc

from .errors import (
    ClaimFailedError,
    ClaimTimeoutError,
    DeadlineExceededError,
    StandbyError,
    UnavailableError,
    from_rpc_error,
)
from .gen.standby.v1 import standby_pb2 as pb
from .gen.standby.v1 import standby_pb2_grpc as pb_grpc

DEFAULT_ADDRESS = "127.0.0.1:7420"

OUTCOMES = {
    "success": pb.OUTCOME_SUCCESS,
    "failure": pb.OUTCOME_FAILURE,
    "aborted": pb.OUTCOME_ABORTED,
}

NODE_STATES = {
    name[len("NODE_STATE_"):].lower(): value
    for name, value in pb.NodeState.items()
    if name != "NODE_STATE_UNSPECIFIED"
}

_TERMINAL_CLAIM_STATES = {
    pb.CLAIM_STATE_RELEASED,
    pb.CLAIM_STATE_EXPIRED,
    pb.CLAIM_STATE_CANCELLED,
    pb.CLAIM_STATE_FAILED,
}

# The server waits at most this long in one CreateClaim; longer waits go on
# with WatchClaim, which also keeps the queued claim alive.
_CREATE_WAIT_SECONDS = 60
_PROGRESS_WAIT_SECONDS = 2
# Added to a call's deadline beyond the time the server may wait by itself.
_SLACK_SECONDS = 10.0
_RETRIES = 4

def _state_name(value: int, enum_type, prefix: str) -> str:
    name = enum_type.Name(value)
    return name[len(prefix):].lower() if name.startswith(prefix) else name.lower()


def _time(ts) -> Optional[datetime]:
    if ts is None or (ts.seconds == 0 and ts.nanos == 0):
        return None
    return ts.ToDatetime(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Node:
    """One machine and how to connect to it."""

    id: str
    label: str
    provider: str
    state: str
    addresses: tuple[str, ...]
    ssh_port: int
    username: str
    # Pinned by the scheduler, in known_hosts form ("ssh-ed25519 AAAA...").
    # Refuse any other host key.
    host_keys: tuple[str, ...]
    tags: tuple[str, ...]
    image: str
    flavor: str
    instance_id: str
    claim_id: str
    created_at: Optional[datetime]

    @property
    def address(self) -> str:
        """The preferred address ("" if the node has none yet)."""
        return self.addresses[0] if self.addresses else ""

    def known_hosts_lines(self) -> list[str]:
        """Lines for an OpenSSH known_hosts file that pin this node's host keys."""
        host = self.address if self.ssh_port == 22 else f"[{self.address}]:{self.ssh_port}"
        return [f"{host} {key}" for key in self.host_keys]

    @classmethod
    def from_proto(cls, node: pb.Node) -> "Node":
        return cls(
            id=node.id,
            label=node.label,
            provider=node.provider,
            state=_state_name(node.state, pb.NodeState, "NODE_STATE_"),
            addresses=tuple(node.addresses),
            ssh_port=node.ssh_port,
            username=node.username,
            host_keys=tuple(node.host_keys),
            tags=tuple(node.tags),
            image=node.image,
            flavor=node.flavor,
            instance_id=node.instance_id,
            claim_id=node.claim_id,
            created_at=_time(node.created_at) if node.HasField("created_at") else None,
        )


@dataclass(frozen=True)
class Progress:
    """What a waiting claim reports: event is "queued", "launching", ..."""

    claim_id: str
    event: str
    message: str
    queue_position: int


ProgressCallback = Callable[[Progress], None]


class Lease:
    """A fulfilled claim: its nodes, and the lease that keeps them.

    With keep_alive (the default) a daemon thread renews the lease at a third
    of its TTL until release(). If the scheduler says the lease is gone, the
    thread stops, `lost` holds the error and on_lost is called.
    """

    def __init__(
        self,
        client: "StandbyClient",
        claim: pb.Claim,
        claim_token: str,
        lease_token: str,
        keep_alive: bool,
        on_lost: Optional[Callable[[StandbyError], None]] = None,
    ) -> None:
        self._client = client
        self.claim_id: str = claim.id
        self.claim_token = claim_token
        self.lease_token = lease_token
        self.ttl_seconds: int = claim.lease_ttl_seconds
        self.nodes: list[Node] = [Node.from_proto(n) for n in claim.nodes]
        self.expires_at: Optional[datetime] = _time(claim.lease_expires_at) if claim.HasField("lease_expires_at") else None
        self.renewals = 0
        self.lost: Optional[StandbyError] = None
        self.released = False
        self._on_lost = on_lost
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None
        if keep_alive:
            self._thread = threading.Thread(target=self._keep_alive, name=f"standby-renew-{self.claim_id}", daemon=True)
            self._thread.start()

    def renew(self, ttl_seconds: int = 0) -> datetime:
        """Extends the lease by ttl_seconds from now (0: the claim's TTL)."""
        res = self._client._call(
            "RenewLease", pb.RenewLeaseRequest(lease_token=self.lease_token, ttl_seconds=ttl_seconds), idempotent=True
        )
        with self._lock:
            self.expires_at = _time(res.expires_at)
            self.renewals += 1
            if ttl_seconds > 0:
                self.ttl_seconds = ttl_seconds
        assert self.expires_at is not None
        return self.expires_at

    def release(self, outcome: str = "success", *, hold_seconds: int = 0, hold_reason: str = "") -> str:
        """Ends the lease with the job's outcome ("success", "failure",
        "aborted"); the nodes are deleted, or kept for diagnosis for
        hold_seconds (the scheduler caps it) when a hold is asked for.
        Releasing twice is a no-op. Returns the claim's state afterwards
        ("released")."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        state = self._client.release(self.lease_token, outcome, hold_seconds=hold_seconds, hold_reason=hold_reason)
        self.released = True
        return state

    def __enter__(self) -> "Lease":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.released:
            return
        if exc_type is None:
            self.release("success")
        elif issubclass(exc_type, KeyboardInterrupt):
            self.release("aborted")
        else:
            self.release("failure")

    def _keep_alive(self) -> None:
        while True:
            with self._lock:
                interval = max(1.0, self.ttl_seconds / 3.0)
            if self._stop.wait(interval):
                return
            while not self._stop.is_set():
                try:
                    self.renew()
                    break
                except (UnavailableError, DeadlineExceededError):
                    # The lease still has two thirds of its TTL: try again soon.
                    if self._stop.wait(min(5.0, interval / 4)):
                        return
                except StandbyError as err:
                    # Released, expired or unknown: nothing left to keep.
                    self.lost = err
                    if self._on_lost is not None:
                        self._on_lost(err)
                    return


class StandbyClient:
    """A connection to a scheduler. address: HOST:PORT, default $STANDBY_ADDR
    or 127.0.0.1:7420. timeout: seconds per call (waiting calls get longer)."""

    def __init__(
        self,
        address: Optional[str] = None,
        *,
        timeout: float = 10.0,
        channel: Optional[grpc.Channel] = None,
    ) -> None:
        self.address = address or os.environ.get("STANDBY_ADDR") or DEFAULT_ADDRESS
        self.timeout = timeout
        self._own_channel = channel is None
        self._channel = channel if channel is not None else grpc.insecure_channel(self.address)
        self._stub = pb_grpc.StandbyServiceStub(self._channel)

    def close(self) -> None:
        if self._own_channel:
            self._channel.close()

    def __enter__(self) -> "StandbyClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _call(self, method: str, request, *, timeout: Optional[float] = None, idempotent: bool = False):
        """One unary call; UNAVAILABLE is retried with backoff when the call is
        idempotent (get, list, renew, release, and create with a request id)."""
        fn = getattr(self._stub, method)
        delay = 0.2
        for attempt in range(_RETRIES + 1):
            try:
                return fn(request, timeout=timeout if timeout is not None else self.timeout)
            except grpc.RpcError as err:
                typed = from_rpc_error(err)
                if isinstance(typed, UnavailableError) and idempotent and attempt < _RETRIES:
                    time.sleep(delay)
                    delay *= 2
                    continue
                raise typed from err
        raise AssertionError("unreachable")

    def claim(
        self,
        labels: Union[str, Sequence[str]],
        *,
        ttl_seconds: int = 600,
        wait_timeout: float = 600.0,
        requester: str = "python",
        job_name: str = "",
        priority: int = 0,
        ssh_public_keys: Iterable[str] = (),
        request_id: Optional[str] = None,
        keep_alive: bool = True,
        on_progress: Optional[ProgressCallback] = None,
        on_lost: Optional[Callable[[StandbyError], None]] = None,
    ) -> Lease:
        """Claims one node per label expression (all from one provider) and
        waits for them up to wait_timeout seconds.

        Raises ClaimTimeoutError (the claim is then cancelled), ClaimFailedError,
        or the typed error of a refused request (InvalidArgumentError for a bad
        expression, FailedPreconditionError when no label can ever match).
        """
        expressions = [labels] if isinstance(labels, str) else list(labels)
        deadline = time.monotonic() + wait_timeout
        # A warm claim is one round trip either way; with a progress callback
        # a cold one moves on to WatchClaim soon, to report what it waits for.
        inline = _CREATE_WAIT_SECONDS if on_progress is None else _PROGRESS_WAIT_SECONDS
        first_wait = max(1, min(inline, math.ceil(wait_timeout)))
        request = pb.CreateClaimRequest(
            label_expressions=expressions,
            requester=requester,
            job_name=job_name,
            priority=priority,
            lease_ttl_seconds=ttl_seconds,
            ssh_public_keys=list(ssh_public_keys),
            # Makes the create retry-safe: a retry returns the same claim.
            request_id=request_id or str(uuid.uuid4()),
            wait=True,
            wait_timeout_seconds=first_wait,
        )
        res = self._call("CreateClaim", request, timeout=first_wait + _SLACK_SECONDS, idempotent=True)
        claim, claim_token, lease_token = res.claim, res.claim_token, res.lease_token
        try:
            if claim.state == pb.CLAIM_STATE_QUEUED:
                claim, lease_token = self._wait(claim, claim_token, deadline, on_progress)
        except BaseException:
            # Timed out, interrupted or broken: nobody will use these nodes.
            try:
                self._call("CancelClaim", pb.CancelClaimRequest(claim_token=claim_token), idempotent=True)
            except StandbyError:
                pass
            raise
        if claim.state != pb.CLAIM_STATE_FULFILLED:
            state = _state_name(claim.state, pb.ClaimState, "CLAIM_STATE_")
            raise ClaimFailedError(
                f"claim {claim.id} {state}: {claim.failure_reason or 'no reason given'}", claim.id, state, claim.failure_reason
            )
        return Lease(self, claim, claim_token, lease_token, keep_alive, on_lost)

    def _wait(self, claim: pb.Claim, claim_token: str, deadline: float, on_progress: Optional[ProgressCallback]):
        """Watches a queued claim until it leaves the queue or the deadline."""
        claim_id = claim.id
        last: Optional[tuple[str, str]] = None

        def report(event: str, message: str, position: int) -> None:
            # A new watch replays the current state first: say nothing twice.
            nonlocal last
            if on_progress is not None and (event, message) != last:
                on_progress(Progress(claim_id, event, message, position))
            last = (event, message)

        report("queued", f"position {claim.queue_position}", claim.queue_position)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ClaimTimeoutError(f"claim {claim_id}: no node within the wait", claim_id)
            stream = self._stub.WatchClaim(pb.WatchClaimRequest(claim_token=claim_token), timeout=remaining)
            try:
                for msg in stream:
                    report(msg.event, msg.message, msg.claim.queue_position)
                    if msg.claim.state == pb.CLAIM_STATE_FULFILLED and msg.lease_token:
                        return msg.claim, msg.lease_token
                    if msg.claim.state in _TERMINAL_CLAIM_STATES:
                        return msg.claim, ""
            except grpc.RpcError as err:
                typed = from_rpc_error(err)
                if isinstance(typed, DeadlineExceededError):
                    raise ClaimTimeoutError(f"claim {claim_id}: no node within the wait", claim_id) from err
                if not isinstance(typed, UnavailableError):
                    raise typed from err
            finally:
                # A fulfilled claim's stream stays open while the lease lives.
                stream.cancel()
            # The stream ended or broke without an answer: ask once, then watch again.
            got = self._call("GetClaim", pb.GetClaimRequest(claim_token=claim_token), idempotent=True)
            if got.claim.state != pb.CLAIM_STATE_QUEUED:
                return got.claim, got.lease_token
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))

    def renew(self, lease_token: str, ttl_seconds: int = 0) -> Optional[datetime]:
        """Renews a lease by its token (Lease.renew does this for a Lease)."""
        res = self._call("RenewLease", pb.RenewLeaseRequest(lease_token=lease_token, ttl_seconds=ttl_seconds), idempotent=True)
        return _time(res.expires_at)

    def release(self, lease_token: str, outcome: str = "success", *, hold_seconds: int = 0, hold_reason: str = "") -> str:
        """Releases a lease by its token (Lease.release does this for a Lease),
        with a hold when hold_seconds > 0; returns the claim's state afterwards."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
        if hold_seconds < 0:
            raise ValueError(f"hold_seconds must be 0 or more, not {hold_seconds}")
        request = pb.ReleaseLeaseRequest(
            lease_token=lease_token, outcome=OUTCOMES[outcome], hold_seconds=hold_seconds, hold_reason=hold_reason if hold_seconds else ""
        )
        res = self._call("ReleaseLease", request, idempotent=True)
        return _state_name(res.claim.state, pb.ClaimState, "CLAIM_STATE_")

    def get_claim(self, claim_token: str) -> pb.Claim:
        return self._call("GetClaim", pb.GetClaimRequest(claim_token=claim_token), idempotent=True).claim

    def cancel_claim(self, claim_token: str) -> pb.Claim:
        return self._call("CancelClaim", pb.CancelClaimRequest(claim_token=claim_token), idempotent=True).claim

    def get_node(self, node_id: str) -> Node:
        """One node by id; NotFoundError if there is none."""
        return Node.from_proto(self._call("GetNode", pb.GetNodeRequest(id=node_id), idempotent=True).node)

    def list_nodes(self, *, label: str = "", provider: str = "", state: Optional[str] = None) -> list[Node]:
        """Nodes that are not gone; state is a name such as "ready" or "claimed"."""
        if state is not None and state not in NODE_STATES:
            raise ValueError(f"state must be one of {', '.join(NODE_STATES)}, not {state!r}")
        request = pb.ListNodesRequest(label=label, provider=provider, state=NODE_STATES[state] if state else 0)
        return [Node.from_proto(n) for n in self._call("ListNodes", request, idempotent=True).nodes]


__all__ = [
    "DEFAULT_ADDRESS",
    "Lease",
    "Node",
    "OUTCOMES",
    "Progress",
    "StandbyClient",
]
