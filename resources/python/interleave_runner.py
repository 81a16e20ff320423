"""Interleave's Python runner: one task set through CPython's own runtimes.

Started by Interleave's PythonExecutor (core/modes/python/) as
    python3 interleave_runner.py run      (the job as JSON on stdin)
it runs every task for real and streams events back on stdout. Standard
library only; Python 3.8 or newer (Debian 12 ships 3.11).

Modes: py-sequential (the main thread), py-threads (a ThreadPoolExecutor),
py-processes (spawned multiprocessing workers, one task at a time over a
pipe each, as ProcessPoolExecutor does inside), py-asyncio (one loop,
asyncio.gather of every task) and dask (interleave_dask.py).

The phases themselves and the output protocol live in interleave_phases.py.
"""

import json
import os
import sys
import threading

from interleave_phases import (
    PROTOCOL_VERSION, QUEUED, START, END, FAILED, BEGIN, SPAN_END, CPU, IO, SPAWN, IPC, READY,
    NO_LANE, NO_TASK, LONG_PHASE_MS, PHASE_CPU, PHASE_IO, PHASE_ACQUIRE, PHASE_RELEASE,
    monotonic_ns, thread_time_ns, Lane, LoopCondition, SharedState, Deadlocked, acquire_on_loop, clean,
    burn_cpu, run_task_blocking, thread_name, write_all,
)


def shared_state(job, **kwargs):
    """The run's locks and counters, or None for a set without them."""
    return SharedState(job, **kwargs) if job.get("names") else None


# ------------------------------------------------------------------ modes

def run_sequential(job, control):
    tasks = job["tasks"]
    shared = shared_state(job)
    lane = Lane(0)
    lane.text("L 0 " + thread_name("main thread"))
    now = monotonic_ns()
    for i in range(len(tasks)):
        lane.event(now, QUEUED, i, lane=NO_LANE)
    for i, phases in enumerate(tasks):
        run_task_blocking(lane, i, phases, shared)
    lane.flush()
    if shared:
        shared.report(control)


def run_threads(job, control):
    from concurrent.futures import ThreadPoolExecutor
    tasks = job["tasks"]
    shared = shared_state(job)
    local = threading.local()
    lanes = []
    lock = threading.Lock()

    def lane_of_this_thread():
        lane = getattr(local, "lane", None)
        if lane is None:
            with lock:
                lane = Lane(len(lanes))
                lanes.append(lane)
            local.lane = lane
            lane.text("L %d %s" % (lane.index, thread_name("thread %d" % (lane.index + 1))))
        return lane

    def one(i):
        lane = lane_of_this_thread()
        try:
            run_task_blocking(lane, i, tasks[i], shared)
        except Exception as e:  # a task's own failure, not the runner's
            lane.event(monotonic_ns(), FAILED, i)
            lane.incident("task-raised", repr(e), lane=lane.index, task=i)

    with ThreadPoolExecutor(max_workers=job["workers"], thread_name_prefix="interleave") as pool:
        now = monotonic_ns()
        for i in range(len(tasks)):
            control.event(now, QUEUED, i, lane=NO_LANE)
        control.flush()
        futures = [pool.submit(one, i) for i in range(len(tasks))]
        for f in futures:
            f.result()
    for lane in lanes:
        lane.flush()
    if shared:
        shared.report(control)


def run_asyncio(job, control):
    import asyncio
    from collections import deque
    tasks = job["tasks"]
    shared = shared_state(job, cond=LoopCondition())
    lane = Lane(0)
    # Recent cpu spans on the loop, to tell a woken task's timer latency
    # from time it spent ready while the loop ran other tasks' code.
    recent = deque(maxlen=4096)

    def loop_busy(since, until, me):
        busy = 0
        for task, b, e in reversed(recent):
            if e <= since:
                break
            if task != me:
                busy += min(e, until) - max(b, since)
        return busy

    async def io_wait(i, p, ms):
        t = monotonic_ns()
        # The task waits; the loop is free: no lane, like eventloop.
        lane.event(t, BEGIN, i, IO, p, lane=NO_LANE)
        deadline = t + int(ms * 1e6 + 0.5)
        while True:
            left = deadline - monotonic_ns()
            if left <= 0:
                break
            await asyncio.sleep(left / 1e9)
        woke = monotonic_ns()
        if loop_busy(deadline, woke, i) > 50_000:
            lane.event(deadline, SPAN_END, i, IO, p, lane=NO_LANE)
            lane.event(deadline, BEGIN, i, READY, p, lane=NO_LANE)
            lane.event(woke, SPAN_END, i, READY, p, lane=NO_LANE)
        else:
            lane.event(woke, SPAN_END, i, IO, p, lane=NO_LANE)
        if ms >= LONG_PHASE_MS:
            lane.flush_if_old()

    async def increment(i, p, counter, times, io_ms):
        if io_ms < 0:  # steps back to back on the loop: nobody can come between
            b, c = monotonic_ns(), thread_time_ns()
            lane.event(b, BEGIN, i, CPU, p)
            for _ in range(times):
                shared.step_counter(counter)
            e = monotonic_ns()
            lane.event(e, SPAN_END, i, CPU, p, (thread_time_ns() - c + 500) // 1000)
            recent.append((i, b, e))
        else:  # an await between read and write: other tasks run there
            for _ in range(times):
                read = shared.value[counter]
                await io_wait(i, p, io_ms)
                shared.value[counter] = read + 1
        shared.count(counter, times)

    async def one(i):
        lane.event(monotonic_ns(), START, i)
        try:
            for p, phase in enumerate(tasks[i]):
                kind = phase[0]
                if kind == PHASE_CPU:
                    b = monotonic_ns()
                    burn_cpu(lane, i, p, phase[1])
                    recent.append((i, b, monotonic_ns()))
                elif kind == PHASE_IO:
                    await io_wait(i, p, phase[1])
                elif kind == PHASE_ACQUIRE:
                    await acquire_on_loop(shared, lane, i, p, phase[1])
                elif kind == PHASE_RELEASE:
                    shared.release(i, phase[1])
                else:
                    await increment(i, p, phase[1], phase[2], phase[3])
        except Deadlocked:
            shared.abandon(i)
            lane.event(monotonic_ns(), FAILED, i)
            lane.flush_if_old()
            return
        lane.event(monotonic_ns(), END, i)
        lane.flush_if_old()

    async def main():
        lane.text("L 0 " + thread_name("event loop"))
        now = monotonic_ns()
        for i in range(len(tasks)):
            lane.event(now, QUEUED, i, lane=NO_LANE)
        lane.flush()
        await asyncio.gather(*(one(i) for i in range(len(tasks))))

    asyncio.run(main())
    lane.flush()
    if shared:
        shared.report(control)


def set_parent_death_signal():
    """Die with the runner even if it is SIGKILLed (Linux; best effort)."""
    try:
        import ctypes
        import signal
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def process_worker(index, conn, shared=None):
    """A py-processes worker: spawned, then one task at a time over its pipe."""
    set_parent_death_signal()
    lane = Lane(index)
    lane.event(monotonic_ns(), SPAN_END, NO_TASK, SPAWN)
    lane.text("L %d process %d (pid %d)" % (index, index + 1, os.getpid()))
    conn.send(("ready",))
    while True:
        msg = conn.recv()
        if msg is None:
            break
        i, phases = msg
        # The task travelled from the runner's send to here.
        lane.event(monotonic_ns(), SPAN_END, i, IPC)
        try:
            run_task_blocking(lane, i, phases, shared)
        except Exception as e:
            lane.event(monotonic_ns(), FAILED, i)
            lane.incident("task-raised", repr(e), lane=lane.index, task=i)
        end = monotonic_ns()
        lane.flush()  # before the parent records the result's trip
        conn.send(("done", i, end))


def run_processes(job, control):
    import multiprocessing
    from collections import deque
    from multiprocessing.connection import wait
    tasks = job["tasks"]
    ctx = multiprocessing.get_context("spawn")
    # Locks on a multiprocessing.Condition, counters and the book in shared memory.
    shared = shared_state(job, cond=ctx.Condition(), array=lambda n: ctx.RawArray("q", max(1, n)))
    workers = min(job["workers"], max(1, len(tasks)))
    now = monotonic_ns()
    for i in range(len(tasks)):
        control.event(now, QUEUED, i, lane=NO_LANE)
    control.flush()

    procs, conns, busy = [], [], []
    for k in range(workers):
        parent_end, child_end = ctx.Pipe()
        p = ctx.Process(target=process_worker, args=(k, child_end, shared), daemon=True)
        control.event(monotonic_ns(), BEGIN, NO_TASK, SPAWN, lane=k)
        control.flush()  # the spawn's begin goes out before the child's end
        p.start()
        child_end.close()
        procs.append(p)
        conns.append(parent_end)
        busy.append(None)

    pending = deque(range(len(tasks)))
    idle = deque()
    alive = set(range(workers))
    finished = 0

    def dispatch():
        while idle and pending:
            k = idle.popleft()
            i = pending.popleft()
            busy[k] = i
            control.event(monotonic_ns(), BEGIN, i, IPC, lane=k)
            control.flush()
            try:
                conns[k].send((i, tasks[i]))
            except OSError:
                pass  # its death is seen through the sentinel

    def lost(k):
        nonlocal finished
        if k not in alive:
            return
        alive.discard(k)
        p = procs[k]
        p.join(1)
        code = p.exitcode
        killed = code is not None and code < 0
        i = busy[k]
        busy[k] = None
        if i is not None:
            control.event(monotonic_ns(), FAILED, i, lane=k)
            finished += 1
        control.incident("worker-crashed" if killed else "worker-exited",
                         ("signal %d" % -code) if killed else "", lane=k, pid=p.pid,
                         task=-1 if i is None else i, value=0 if killed or code is None else code)
        if k in idle:
            idle.remove(k)

    while finished < len(tasks):
        if not alive:
            for i in pending:
                control.event(monotonic_ns(), FAILED, i, lane=NO_LANE)
                finished += 1
            control.incident("tasks-lost", "no worker process left", value=len(pending))
            pending.clear()
            break
        waitables = {}
        for k in alive:
            waitables[conns[k]] = (k, False)
            waitables[procs[k].sentinel] = (k, True)
        for obj in wait(list(waitables)):
            k, died = waitables[obj]
            if k not in alive:
                continue
            if died:
                # Read what it said before it died, then count it lost.
                try:
                    while conns[k].poll():
                        msg = conns[k].recv()
                        if msg[0] == "done" and busy[k] == msg[1]:
                            control.event(msg[2], BEGIN, msg[1], IPC, lane=k)
                            control.event(monotonic_ns(), SPAN_END, msg[1], IPC, lane=k)
                            busy[k] = None
                            finished += 1
                except (EOFError, OSError):
                    pass
                lost(k)
                continue
            try:
                msg = conns[k].recv()
            except (EOFError, OSError):
                lost(k)
                continue
            if msg[0] == "ready":
                idle.append(k)
            elif msg[0] == "done":
                i, end = msg[1], msg[2]
                control.event(end, BEGIN, i, IPC, lane=k)
                control.event(monotonic_ns(), SPAN_END, i, IPC, lane=k)
                busy[k] = None
                finished += 1
                idle.append(k)
        dispatch()
        control.flush_if_old()

    for k in alive:
        try:
            conns[k].send(None)
        except OSError:
            pass
    control.flush()
    for p in procs:
        p.join(5)
        if p.is_alive():
            p.kill()
            p.join()
    if shared:
        shared.report(control)


MODES = {
    "py-sequential": run_sequential,
    "py-threads": run_threads,
    "py-processes": run_processes,
    "py-asyncio": run_asyncio,
}


def hello():
    v = sys.version_info
    write_all(("H %d %d %d.%d.%d %d\n" % (PROTOCOL_VERSION, os.getpid(), v[0], v[1], v[2],
                                          monotonic_ns())).encode())


def main(argv):
    if len(argv) >= 2 and argv[1] == "--clock":
        # For the test that the runner's clock is the engine's.
        write_all(b"%d\n" % monotonic_ns())
        return 0
    if len(argv) < 2 or argv[1] != "run":
        sys.stderr.write("usage: interleave_runner.py run < job.json\n")
        return 2
    hello()
    control = Lane(NO_LANE)
    try:
        job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
        mode = job["mode"]
        if mode == "dask":
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            import interleave_dask
            interleave_dask.run(job, control)
        elif mode in MODES:
            MODES[mode](job, control)
        else:
            control.text("X unknown mode %s" % clean(mode))
            return 2
    except Exception as e:
        import traceback
        control.text("X runner failed: %s" % clean("".join(traceback.format_exception_only(type(e), e))))
        sys.stderr.write(traceback.format_exc())
        return 1
    control.text("D")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
