"""What Interleave's Python runner costs: one task set through a py-mode's
own code (interleave_runner.py's run_sequential / run_threads /
run_asyncio) twice per repetition, alternating: once recording every event
as the runner does (batched lines written to a pipe read by another
process, as the engine reads them), once with recording replaced by
nothing. The phases' own clock reads stay in both: they are the work.

    python3 runner_overhead.py RESOURCES_DIR JOB.json REPS

Prints one JSON object: the wall times (ms) of both, in the order taken,
and the number of events recorded.
"""

import json
import os
import subprocess
import sys
import time


def main(argv):
    sys.path.insert(0, argv[1])
    import interleave_phases as phases
    import interleave_runner as runner

    with open(argv[2], "rb") as f:
        job = json.loads(f.read().decode("utf-8"))
    reps = int(argv[3])
    run = runner.MODES[job["mode"]]

    counted = [0]

    class Recording(phases.Lane):
        def event(self, *args, **kwargs):
            counted[0] += 1
            phases.Lane.event(self, *args, **kwargs)

    class Silent(phases.Lane):
        def event(self, *args, **kwargs):
            pass

        def text(self, line):
            pass

        def flush(self):
            pass

    # Our stdout becomes a pipe that `cat` drains into /dev/null: another
    # process reads it, as the engine does.
    result_fd = os.dup(1)
    drain = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    os.dup2(drain.stdin.fileno(), 1)

    def once(lane_class):
        runner.Lane = lane_class
        control = lane_class(phases.NO_LANE)
        t0 = time.monotonic_ns()
        run(job, control)
        control.flush()
        return (time.monotonic_ns() - t0) / 1e6

    once(Silent)  # warm up: imports, thread pool code, the loop
    bare, recorded = [], []
    events = 0
    for _ in range(reps):
        bare.append(once(Silent))
        counted[0] = 0
        recorded.append(once(Recording))
        events = counted[0]

    os.dup2(result_fd, 1)
    drain.stdin.close()
    drain.wait()
    out = {"mode": job["mode"], "bare_ms": bare, "recorded_ms": recorded, "events": events}
    os.write(1, (json.dumps(out) + "\n").encode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
