# vm-boot: any
# smoke-basic.sh — the rig's own guest smoke test: the build runs on the guest
# kernel, and stockade's seccomp enforcement works there.
. /stockade/tests/vm/lib.sh

out=$(./build/stockade --version 2>&1)
if [ $? -eq 0 ] && has "$out" "stockade "; then
    pass stockade_version
else
    fail stockade_version "$out"
fi

# stockade run with a shipped example policy: deny-exec.stk (user nobody, no
# new privileges, execve answered with EPERM) around the probe helper.
probe=$STK_BUILD/tests/helpers/probe
out=$(./build/stockade run policies/examples/deny-exec.stk -- "$probe" status exec /bin/true 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$out" "Seccomp: 2" && has "$out" "NoNewPrivs: 1" \
    && has "$out" "Uid: 65534 65534 65534 65534" && has "$out" "exec: errno=1"; then
    pass seccomp_run_deny_exec
else
    fail seccomp_run_deny_exec "rc=$rc: $out"
fi

# The same policy compiled to a bundle and applied by stockade-exec.
if ./build/stockade compile -o /tmp/deny-exec.bundle policies/examples/deny-exec.stk >/tmp/compile.out 2>&1; then
    out=$(./build/stockade-exec /tmp/deny-exec.bundle -- "$probe" status exec /bin/true 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && has "$out" "Seccomp: 2" && has "$out" "exec: errno=1"; then
        pass seccomp_exec_bundle
    else
        fail seccomp_exec_bundle "rc=$rc: $out"
    fi
else
    fail seccomp_exec_bundle "stockade compile: $(cat /tmp/compile.out)"
fi

# A command that the policy lets run: busybox echo under the built-in default.
out=$(./build/stockade run -- /bin/echo confined-hello 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ "$out" = confined-hello ]; then
    pass seccomp_run_default_policy
else
    fail seccomp_run_default_policy "rc=$rc: $out"
fi

finish
