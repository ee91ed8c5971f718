# Attack: stop, then kill, every process this code can see: the grader's pytest, its
# process group, the fork server of old. Inside a sandbox only the sandbox is visible;
# the guard keeps this test from harming the machine if the sandbox were ever missing.
import os
import signal

_visible = [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
if len(_visible) < 20:
    for _signal in (signal.SIGSTOP, signal.SIGKILL):
        for _pid in _visible:
            if _pid != os.getpid():
                try:
                    os.kill(_pid, _signal)
                except OSError:
                    pass
        try:
            os.killpg(os.getpgid(os.getppid()), _signal)
        except OSError:
            pass
