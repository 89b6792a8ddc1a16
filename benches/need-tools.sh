# Sourced by the bench scripts: `need_tools wrk valgrind` installs, from Debian, each named
# command that is missing (the package has the command's name), with sudo when not root.
need_tools() {
    local missing=() tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    ((${#missing[@]})) || return 0
    echo "==> installing ${missing[*]} (Debian packages)" >&2
    local sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}
