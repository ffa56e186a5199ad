"""PEP 517 build backend for the w4a16 package, using only the standard
library: pip would otherwise download setuptools into its isolated build
environment, and there is no package index here.

The wheel holds the pure-Python files of `w4a16/` and the native module
`_w4a16` from the project's CMake build directory: $W4A16_BUILD_DIR if set,
else the repository's `build/`. The native target is brought up to date with
`cmake --build`; a directory that is not configured yet is configured with
`make configure` first."""
import base64
import hashlib
import os
import pathlib
import subprocess
import sys
import sysconfig
import tomllib
import zipfile

SOURCE_DIR = pathlib.Path(__file__).resolve().parent
REPO_ROOT = SOURCE_DIR.parent
NATIVE_TARGET = "W4A16PythonModule"
NATIVE_FILE = "_w4a16" + sysconfig.get_config_var("EXT_SUFFIX")


def _project():
    with open(SOURCE_DIR / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]


def _build_native_module():
    build_dir = pathlib.Path(
        os.environ.get("W4A16_BUILD_DIR", REPO_ROOT / "build")).resolve()
    if not (build_dir / "CMakeCache.txt").exists():
        subprocess.run(["make", "-C", str(REPO_ROOT), "configure",
                        f"BUILD_DIR={build_dir}"], check=True)
    subprocess.run(["cmake", "--build", str(build_dir), "--target",
                    NATIVE_TARGET], check=True, stdout=sys.stderr)
    return build_dir / "python_packages" / "w4a16" / NATIVE_FILE


def _wheel_tag():
    python = f"cp{sys.version_info.major}{sys.version_info.minor}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{python}-{python}-{platform}"


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
    return f"{name},sha256={digest.rstrip(b'=').decode()},{len(data)}"


def get_requires_for_build_wheel(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    project = _project()
    name, version = project["name"], project["version"]
    tag = _wheel_tag()
    dist_info = f"{name}-{version}.dist-info"

    files = {f"w4a16/{path.name}": path.read_bytes()
             for path in sorted((SOURCE_DIR / "w4a16").glob("*.py"))}
    files[f"w4a16/{NATIVE_FILE}"] = _build_native_module().read_bytes()
    metadata = [
        "Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
    ] + [f"Requires-Dist: {dependency}"
         for dependency in project.get("dependencies", [])]
    files[f"{dist_info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    files[f"{dist_info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: w4a16 build_backend\n"
        f"Root-Is-Purelib: false\nTag: {tag}\n").encode()
    record = [_record_line(path, data) for path, data in files.items()]
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()

    wheel_name = f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(pathlib.Path(wheel_directory) / wheel_name, "w",
                         zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return wheel_name
