"""Skillgraph python runner: applies limits, waits for its entry file, runs it with top-level await allowed.

An error that ends the run is handed to the host as one error record on stderr (see README.md), with the frames of
its traceback; the host's user-errors.ts names it at the user's line. Started ahead from the warm pool, it reads the
entry on descriptor 4 and tells the host its exit code there once the run's threads and exit handlers are done, so the
host need not wait for the interpreter's own teardown.
"""
import asyncio  # before the run starts: scripts that call tools await, and this is most of the start-up
import atexit
import json
import os
import sys

_ALLOW_TOP_LEVEL_AWAIT = 0x2000  # ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, without importing ast
_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect

try:
    import resource

    _memory = int(os.environ.get("SKILLGRAPH_MEMORY_BYTES", "0"))
    if _memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (_memory, _memory))
except (ImportError, ValueError, OSError):
    pass


_ERROR_RECORD = "\x1eskillgraph-error\x1f"


def _report_error(value: BaseException, tb: object, frames: "list | None" = None) -> None:
    if frames is None:
        import traceback

        frames = [{"file": f.filename, "line": f.lineno, "function": f.name} for f in traceback.extract_tb(tb)]  # type: ignore[arg-type]
    message = value.msg if isinstance(value, SyntaxError) else str(value)  # str() repeats the file and line
    record = {"name": type(value).__name__, "message": message, "frames": frames}
    sys.stderr.write(_ERROR_RECORD + json.dumps(record) + "\n")
    sys.stderr.flush()


def _read_control() -> dict:
    os.write(4, b"R")  # ready: the host may count on this runner starting the next run at once
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(4, 65536)
        if not chunk:
            sys.exit(0)
        data += chunk
    # Descriptor 4 stays open (never reused by the run's files) to report the exit code on.
    atexit.register(_report_exit)  # registered first, so it runs last: after the run's own exit handlers
    return json.loads(data)


_exit_code = 1


def _report_exit() -> None:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(4, b"X%d\n" % _exit_code)
    except (OSError, ValueError):
        pass  # the host is gone or the run closed the descriptor: it waits for the process to end instead


def _use_api_bytecode(api_dir: str, bytecode_dir: str) -> None:
    """
    Modules of the API tree load the bytecode the host compiled for them (compile_api.py, a folder the run can read
    but not write) when it matches their source (size and mtime, as Python's own cache checks); anything else is
    compiled from the source, as without the cache. Other modules load as always.
    """
    import importlib.machinery
    import importlib.util
    import marshal

    root = os.path.join(os.path.abspath(api_dir), "")

    class _ApiLoader(importlib.machinery.SourceFileLoader):
        def get_code(self, fullname):
            source = self.path
            try:
                with open(os.path.join(bytecode_dir, os.path.relpath(source, root) + "c"), "rb") as handle:
                    data = handle.read()
                stat = os.stat(source)
                if (
                    data[:4] == importlib.util.MAGIC_NUMBER
                    and data[4:8] == b"\0\0\0\0"
                    and int.from_bytes(data[8:12], "little") == int(stat.st_mtime) & 0xFFFFFFFF
                    and int.from_bytes(data[12:16], "little") == stat.st_size & 0xFFFFFFFF
                ):
                    return marshal.loads(data[16:])
            except (OSError, ValueError, EOFError, TypeError):
                pass  # no usable bytecode: compiled from the source below, which is all the cache would have saved
            return super().get_code(fullname)

    class _ApiFinder:
        @staticmethod
        def find_spec(name, path=None, target=None):
            spec = importlib.machinery.PathFinder.find_spec(name, path, target)
            if spec is not None and type(spec.loader) is importlib.machinery.SourceFileLoader and spec.origin and spec.origin.startswith(root):
                spec.loader = _ApiLoader(spec.loader.name, spec.loader.path)
            return spec

    sys.meta_path.insert(sys.meta_path.index(importlib.machinery.PathFinder), _ApiFinder)


def _main() -> int:
    control = {"entry": sys.argv[1]} if len(sys.argv) > 1 else _read_control()
    entry = control["entry"]
    if control.get("secret"):
        os.environ["SKILLGRAPH_BRIDGE_SECRET"] = control["secret"]
    api_dir = os.environ.get("SKILLGRAPH_API_DIR")
    if api_dir:
        sys.path.insert(0, api_dir)
        bytecode_dir = os.environ.get("SKILLGRAPH_API_BYTECODE")
        if bytecode_dir:
            _use_api_bytecode(api_dir, bytecode_dir)
    with open(entry, encoding="utf-8") as handle:
        source = handle.read()
    filename = os.environ.get("SKILLGRAPH_SOURCE_NAME", "main.py")
    try:
        code = compile(source, filename, "exec", flags=_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as error:
        frame = {"file": error.filename or filename, "line": error.lineno or 0, "column": error.offset or 0, "function": ""}
        _report_error(error, None, [frame])
        return 1
    scope = {"__name__": "__main__", "__file__": filename, "__builtins__": __builtins__}
    try:
        if code.co_flags & _CO_COROUTINE:
            asyncio.run(eval(code, scope))
        else:
            exec(code, scope)
    except SystemExit as stop:
        code_value = stop.code
        return code_value if isinstance(code_value, int) else (0 if code_value is None else 1)
    except BaseException as error:  # noqa: BLE001 - the user's error, named at the user's line by the host
        _report_error(error, error.__traceback__)
        return 1
    return 0


def _run() -> None:
    global _exit_code
    try:
        _exit_code = _main()
    except SystemExit as stop:  # from the runner itself (the host went away before the run)
        _exit_code = stop.code if isinstance(stop.code, int) else 0
        raise
    sys.exit(_exit_code)


_run()
