"""The dask mode of Interleave's runner (interleave_runner.py imports it; it
imports only interleave_phases.py, the phases and the protocol they share).

By default an embedded dask.distributed.LocalCluster of `workers` worker
processes with one thread each; with a scheduler address, an existing
cluster. Every task is one client.submit; it runs its phases on a worker
thread (the same cpu loop and sleeps as the py-modes), keeps its events and
returns them with its result, so the same code works on a remote machine.
The runner moves each worker's times onto its own CLOCK_MONOTONIC: on one
machine they are the same clock; on a remote cluster the offset is estimated
from round trips (the sample with the least delay kept) and stated.
"""

import logging
import threading

import interleave_phases as r

CLOCK_SAMPLES = 7


class Recorder:
    """Collects a task's events on the worker, for the result."""

    def __init__(self):
        self.events = []
        self.index = 0

    def event(self, t, kind, task, span=r.NONE_SPAN, phase=r.NO_PHASE, cpu_us=0, lane=None):
        self.events.append((t, kind, task, span, phase, cpu_us))

    def flush(self):
        pass

    def flush_if_old(self):
        pass

    def text(self, line):
        pass

    def incident(self, kind, detail, lane=-1, pid=0, task=-1, value=0):
        pass


def dask_task(index, phases):
    """Runs on a Dask worker thread."""
    from distributed import get_worker
    rec = Recorder()
    rec.event(r.monotonic_ns(), r.START, index)
    for p, (kind, ms) in enumerate(phases):
        if kind == 0:
            r.burn_cpu(rec, index, p, ms)
        else:
            r.sleep_io(rec, index, p, ms)
    rec.event(r.monotonic_ns(), r.END, index)
    worker = get_worker()
    # The pool thread's index ("...-Threads-<pid>-<n>"): stable when a
    # nanny restarts its worker, unlike the thread id.
    slot = threading.current_thread().name.rsplit("-", 1)[-1]
    return (worker.name, int(slot) if slot.isdigit() else 0, worker.address,
            threading.get_native_id(), rec.events)


def estimate_offsets(client, addresses):
    """worker clock - our clock per worker, and the uncertainty (half the
    least round trip), from CLOCK_SAMPLES round trips each."""
    offsets = {}
    for addr in addresses:
        best = None
        for _ in range(CLOCK_SAMPLES):
            t0 = r.monotonic_ns()
            theirs = client.run(r.monotonic_ns, workers=[addr])[addr]
            t1 = r.monotonic_ns()
            if best is None or t1 - t0 < best[1]:
                best = (theirs - (t0 + t1) // 2, t1 - t0)
        offsets[addr] = (best[0], best[1] // 2)
    return offsets


def run(job, control):
    logging.getLogger("distributed").setLevel(logging.ERROR)
    from distributed import Client, LocalCluster, as_completed
    tasks = job["tasks"]
    lanes_max = job["workers"]
    scheduler = job.get("scheduler") or ""
    cluster = None
    t0 = r.monotonic_ns()
    if scheduler:
        client = Client(scheduler, timeout="30s")
        # A remote cluster's workers do not have the runner: send it.
        import os
        here = os.path.dirname(os.path.abspath(__file__))
        for name in ("interleave_phases.py", "interleave_dask.py"):
            client.upload_file(os.path.join(here, name))
    else:
        cluster = LocalCluster(n_workers=lanes_max, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
        client.wait_for_workers(lanes_max)
    t_up = r.monotonic_ns()
    try:
        info = client.scheduler_info()["workers"]
        addresses = sorted(info)
        names_before = {w.get("name"): a for a, w in info.items()}
        threads = sum(w.get("nthreads", 1) for w in info.values())
        if threads > lanes_max:
            control.text("X the cluster at %s has %d worker threads; run with --workers %d to give each a lane"
                         % (r.clean(scheduler), threads, threads))
            return
        if scheduler:
            offsets = estimate_offsets(client, addresses)
            worst = max(u for _, u in offsets.values()) if offsets else 0
            control.text("C %d clocks: %d workers at %s aligned by round trips, to within %.3f ms (offsets %s)"
                         % (int(worst), len(addresses), r.clean(scheduler), worst / 1e6,
                            ", ".join("%+.3f ms" % (o / 1e6) for o, _ in offsets.values())))
        else:
            # One machine, one CLOCK_MONOTONIC: nothing to align.
            offsets = {a: (0, 0) for a in addresses}
            # The cluster's start-up, on the lane of every worker thread.
            for lane in range(threads):
                control.event(t0, r.BEGIN, r.NO_TASK, r.SPAWN, lane=lane)
                control.event(t_up, r.SPAN_END, r.NO_TASK, r.SPAWN, lane=lane)
        now = r.monotonic_ns()
        for i in range(len(tasks)):
            control.event(now, r.QUEUED, i, lane=r.NO_LANE)
        control.flush()

        lane_of = {}
        named = {}
        futures = {}
        for i, phases in enumerate(tasks):
            # pure=False: equal phase lists are still separate tasks.
            futures[client.submit(dask_task, i, phases, pure=False, key="interleave-%d" % i)] = i
        for future in as_completed(futures):
            i = futures[future]
            try:
                name, slot, address, tid, events = future.result()
            except Exception as e:
                control.event(r.monotonic_ns(), r.FAILED, i, lane=r.NO_LANE)
                control.incident("task-raised", "on the cluster: " + r.clean(repr(e))[:300], task=i)
                continue
            key = (str(name), slot)
            lane = lane_of.get(key)
            if lane is None:
                lane = lane_of[key] = len(lane_of)
                if lane >= lanes_max:
                    control.text("X more worker threads ran tasks than the cluster said it had (%d)" % lanes_max)
                    return
            if named.get(lane) != (address, tid):
                named[lane] = (address, tid)
                control.text("L %d worker %s (%s) thread %d (tid %d)" % (lane, r.clean(name), address, slot, tid))
            offset = offsets.get(address, (0, 0))[0]
            for t, kind, task, span, phase, cpu_us in events:
                control.event(t - offset, kind, task, span, phase, cpu_us, lane=lane)
            control.flush_if_old()
        control.flush()
        after = set(client.scheduler_info()["workers"])
        for name, a in sorted(names_before.items(), key=lambda x: str(x[0])):
            if a not in after:
                control.incident("worker-lost", "%s (%s)" % (name, a))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
