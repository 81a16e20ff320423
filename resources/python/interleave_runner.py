"""Interleave's Python runner: one task set through CPython's own runtimes.

Started by Interleave's PythonExecutor (core/modes/python/) as
    python3 interleave_runner.py run      (the job as JSON on stdin)
it runs every task for real and streams events back on stdout. Standard
library only; Python 3.8 or newer (Debian 12 ships 3.11).

Modes: py-sequential (the main thread), py-threads (a ThreadPoolExecutor),
py-processes (spawned multiprocessing workers, one task at a time over a
pipe each, as ProcessPoolExecutor does inside), py-asyncio (one loop,
asyncio.gather of every task) and dask (interleave_dask.py).

A cpu phase is a pure-Python loop until time.thread_time_ns() has advanced
by the phase's milliseconds; an io phase is time.sleep / asyncio.sleep.
Timestamps are time.monotonic_ns(): CLOCK_MONOTONIC, the engine's clock.

CPython reports no GIL events. What the loop can measure is its own thread
CPU clock against the wall clock: a step in which the wall clock advanced
more than GAP_NS beyond the thread's CPU time is time the thread was ready
but not computing (waiting for the GIL, or for a core from the OS). It is
recorded as a "not running" span between two cpu pieces, placed after the
step's own computing (the error is one step, a few microseconds).

Output protocol (text lines, UTF-8, every write whole lines of at most
PIPE_BUF bytes, so threads and processes share stdout without a lock):
  H <version> <pid> <python version> <monotonic_ns>   first line
  L <lane> <name>                                     a lane's name
  <t_ns> <kind> <task> <lane> <phase> <span> <cpu_us> an event
  N <text>                                            something went wrong, the run went on
  X <text>                                            the run could not go on
  D                                                   every task reported
kind: 0 queued 1 start 2 end 3 failed 4 cancelled 5 span begin 6 span end;
span: 0 cpu 1 io 2 gil-wait 3 spawn 4 ipc 5 ready-wait 6 not-running, 255 none;
lane and phase 65535 = none, task 4294967295 = none.
"""

import json
import os
import sys
import threading
import time

PROTOCOL_VERSION = 1
MIN_PYTHON = (3, 8)

QUEUED, START, END, FAILED, CANCELLED, BEGIN, SPAN_END = range(7)
CPU, IO, GIL_WAIT, SPAWN, IPC, READY, NOT_RUNNING = range(7)
NONE_SPAN = 255
NO_LANE = 65535
NO_PHASE = 65535
NO_TASK = 4294967295

GAP_NS = 200_000        # a step this much longer in wall than in CPU time: not running
STEP_ROUNDS = 200       # loop rounds between two clock reads (a few microseconds)
FLUSH_BYTES = 3500      # below PIPE_BUF (4096): one write stays one atomic piece
FLUSH_AGE_NS = 20_000_000  # the window draws every 25 ms: send at least that often
LONG_PHASE_MS = 20.0    # a phase this long is announced at once (live view)

monotonic_ns = time.monotonic_ns
thread_time_ns = time.thread_time_ns


def write_all(data):
    """One os.write of whole lines (<= PIPE_BUF bytes: atomic on a pipe)."""
    view = memoryview(data)
    while view:
        n = os.write(1, view)
        view = view[n:]


class Lane:
    """A lane's own event buffer: no lock, sent in batches of whole lines."""

    def __init__(self, index):
        self.index = index
        self.parts = []
        self.size = 0
        self.last_flush = monotonic_ns()

    def event(self, t, kind, task, span=NONE_SPAN, phase=NO_PHASE, cpu_us=0, lane=None):
        line = "%d %d %d %d %d %d %d\n" % (t, kind, task, self.index if lane is None else lane,
                                           phase, span, cpu_us)
        self.parts.append(line)
        self.size += len(line)
        if self.size > FLUSH_BYTES:
            self.flush()

    def incident(self, kind, detail, lane=-1, pid=0, task=-1, value=0):
        """An incident the run survived, as data (kind: one of the engine's
        incident names; -1 for no lane or task, 0 for no pid)."""
        self.text("N %s %d %d %d %d %s" % (kind, lane, pid, task, value, clean(detail)))

    def text(self, line):
        self.parts.append(line + "\n")
        self.size += len(line) + 1
        self.flush()

    def flush_if_old(self):
        if self.parts and monotonic_ns() - self.last_flush >= FLUSH_AGE_NS:
            self.flush()

    def flush(self):
        if not self.parts:
            return
        data = "".join(self.parts).encode("utf-8", "replace")
        self.parts = []
        self.size = 0
        self.last_flush = monotonic_ns()
        # Split at line ends so no write exceeds PIPE_BUF.
        start = 0
        while start < len(data):
            end = len(data) if len(data) - start <= 4096 else data.rfind(b"\n", start, start + 4096) + 1
            if end <= start:
                end = start + 4096
            write_all(data[start:end])
            start = end


def clean(text):
    """One line of text for the protocol."""
    return " ".join(str(text).split())


def burn_cpu(lane, task, phase, ms):
    """Computes until this thread's CPU clock advanced by ms, splitting the
    span where the thread stood still (not running: GIL or OS)."""
    need = int(ms * 1e6 + 0.5)
    w = monotonic_ns()
    c = thread_time_ns()
    lane.event(w, BEGIN, task, CPU, phase)
    if ms >= LONG_PHASE_MS:
        lane.flush()
    goal = c + need
    piece_c = c
    x = 0
    while c < goal:
        pw, pc = w, c
        for i in range(STEP_ROUNDS):
            x += i * i
        c = thread_time_ns()
        w = monotonic_ns()
        ran = c - pc
        if (w - pw) - ran > GAP_NS:
            stop = pw + ran
            lane.event(stop, SPAN_END, task, CPU, phase, (c - piece_c + 500) // 1000)
            lane.event(stop, BEGIN, task, NOT_RUNNING, phase)
            lane.event(w, SPAN_END, task, NOT_RUNNING, phase)
            lane.event(w, BEGIN, task, CPU, phase)
            piece_c = c
    lane.event(w, SPAN_END, task, CPU, phase, (c - piece_c + 500) // 1000)
    return x


def sleep_io(lane, task, phase, ms):
    t = monotonic_ns()
    lane.event(t, BEGIN, task, IO, phase)
    if ms >= LONG_PHASE_MS:
        lane.flush()
    deadline = t + int(ms * 1e6 + 0.5)
    # time.sleep may wake a little early by the monotonic clock's reckoning
    # (it rounds to its own clock); never end an io phase before its time.
    while True:
        left = deadline - monotonic_ns()
        if left <= 0:
            break
        time.sleep(left / 1e9)
    lane.event(monotonic_ns(), SPAN_END, task, IO, phase)


def run_task_blocking(lane, index, phases):
    lane.event(monotonic_ns(), START, index)
    for p, (kind, ms) in enumerate(phases):
        if kind == 0:
            burn_cpu(lane, index, p, ms)
        else:
            sleep_io(lane, index, p, ms)
    lane.event(monotonic_ns(), END, index)
    lane.flush_if_old()


def thread_name(prefix):
    return "%s (tid %d)" % (prefix, threading.get_native_id())


# ------------------------------------------------------------------ modes

def run_sequential(job, control):
    tasks = job["tasks"]
    lane = Lane(0)
    lane.text("L 0 " + thread_name("main thread"))
    now = monotonic_ns()
    for i in range(len(tasks)):
        lane.event(now, QUEUED, i, lane=NO_LANE)
    for i, phases in enumerate(tasks):
        run_task_blocking(lane, i, phases)
    lane.flush()


def run_threads(job, control):
    from concurrent.futures import ThreadPoolExecutor
    tasks = job["tasks"]
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
            run_task_blocking(lane, i, tasks[i])
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


def run_asyncio(job, control):
    import asyncio
    from collections import deque
    tasks = job["tasks"]
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

    async def one(i):
        lane.event(monotonic_ns(), START, i)
        for p, (kind, ms) in enumerate(tasks[i]):
            if kind == 0:
                b = monotonic_ns()
                burn_cpu(lane, i, p, ms)
                recent.append((i, b, monotonic_ns()))
            else:
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


def set_parent_death_signal():
    """Die with the runner even if it is SIGKILLed (Linux; best effort)."""
    try:
        import ctypes
        import signal
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def process_worker(index, conn):
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
            run_task_blocking(lane, i, phases)
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
    workers = min(job["workers"], max(1, len(tasks)))
    now = monotonic_ns()
    for i in range(len(tasks)):
        control.event(now, QUEUED, i, lane=NO_LANE)
    control.flush()

    procs, conns, busy = [], [], []
    for k in range(workers):
        parent_end, child_end = ctx.Pipe()
        p = ctx.Process(target=process_worker, args=(k, child_end), daemon=True)
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
