# Skillgraph's bytecode step for the Python API tree: run by the host (never inside the sandbox) with the interpreter the
# runners use, it compiles every .py of the API tree (servers/, skills/) into a cache folder outside the tree, which
# runs can read but not write. Only files whose bytecode is missing or stale are compiled; each is written atomically
# (py_compile), so a runner reading at the same time sees whole old or whole new bytecode, and checks it against the
# source before use (runner.py). Usage: python compile_api.py <api dir> <cache dir>
import os
import py_compile
import sys


def _stale(source: str, cached: str) -> bool:
    try:
        with open(cached, "rb") as handle:
            header = handle.read(16)
        stat = os.stat(source)
    except OSError:
        return True
    import importlib.util

    return (
        header[:4] != importlib.util.MAGIC_NUMBER
        or header[4:8] != b"\0\0\0\0"
        or int.from_bytes(header[8:12], "little") != int(stat.st_mtime) & 0xFFFFFFFF
        or int.from_bytes(header[12:16], "little") != stat.st_size & 0xFFFFFFFF
    )


def main(api_dir: str, cache_dir: str) -> int:
    failed = 0
    for folder, dirs, files in os.walk(api_dir):
        dirs[:] = [name for name in dirs if name != "__pycache__" and not name.startswith(".")]
        for name in files:
            if not name.endswith(".py"):
                continue
            source = os.path.join(folder, name)
            cached = os.path.join(cache_dir, os.path.relpath(source, api_dir) + "c")
            if not _stale(source, cached):
                continue
            try:
                py_compile.compile(source, cfile=cached, dfile=source, doraise=True)
            except (py_compile.PyCompileError, OSError) as error:
                failed += 1  # this file is compiled by the run from its source, as without the cache
                print(f"{source}: {error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
