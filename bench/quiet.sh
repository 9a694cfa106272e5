# Sourced by the benches: names what else is taking the cores before a bench starts. Figures
# made beside a build, a browser a test left running or the test clusters (which stay up
# between test runs, the replica replaying WAL) say little (bench/RESULTS.md, "Leaked
# Chromium"). It warns and goes on: whether to measure anyway is the caller's call.
say_what_else_runs() {
    local others=()
    pgrep -x chromium >/dev/null && others+=("Chromium ($(pgrep -xc chromium) processes)")
    pgrep -f 'postgres -D .*/target/tmp/pg' >/dev/null && others+=("the test clusters (pg_ctl -D target/tmp/pg{,-replica} stop)")
    pgrep -x cargo >/dev/null && others+=("cargo")
    pgrep -x rustc >/dev/null && others+=("rustc")
    if [ "${#others[@]}" -gt 0 ]; then
        echo "== not quiet: $(IFS=,; echo "${others[*]}" | sed 's/,/, /g') running; load $(cut -d' ' -f1-3 /proc/loadavg)"
    else
        echo "== quiet: no build, browser or test cluster running; load $(cut -d' ' -f1-3 /proc/loadavg)"
    fi
}
