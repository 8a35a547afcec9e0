"""The package's build backend: maturin, after building the format plugins of the workspace
(every cdylib under plugins/) and copying them into python/nianbao/plugins, so that the wheel
carries them and the package finds them beside itself.

The plugins are built in the workspace's own target folder with its release profile, so a tree
where `cargo build --release --workspace` has run builds no plugin again. Set CARGO to choose the
cargo binary.
"""

import json
import os
import shutil
import subprocess
import sys

import maturin

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGINS = os.path.join(HERE, "python", "nianbao", "plugins")


def _cargo():
    return os.environ.get("CARGO", "cargo")


def _library_file(target):
    stem = target.replace("-", "_")
    if sys.platform == "darwin":
        return f"lib{stem}.dylib"
    if sys.platform == "win32":
        return f"{stem}.dll"
    return f"lib{stem}.so"


def _bundle_plugins():
    meta = json.loads(
        subprocess.run(
            [_cargo(), "metadata", "--format-version", "1", "--no-deps"],
            cwd=HERE,
            check=True,
            stdout=subprocess.PIPE,
        ).stdout
    )
    root = meta["workspace_root"]
    plugin_dir = os.path.join(root, "plugins") + os.sep
    packages, files = [], []
    for p in meta["packages"]:
        if not p["manifest_path"].startswith(plugin_dir):
            continue
        for t in p["targets"]:
            if "cdylib" in t["crate_types"]:
                packages.append(p["name"])
                files.append(_library_file(t["name"]))
    if not packages:
        raise RuntimeError(f"no format plugins found under {plugin_dir}")
    # The workspace's libraries, not only the plugins: nearly the packages of the README's
    # `cargo build --release --workspace`, so the same features and the same artifacts, which
    # a built tree already has. Not this package: maturin builds it, for the interpreter at hand.
    args = [_cargo(), "build", "--release", "--workspace", "--exclude", "nianbao-python", "--lib"]
    print("nianbao: building the format plugins:", " ".join(args), file=sys.stderr)
    subprocess.run(args, cwd=root, check=True)
    built = os.path.join(meta["target_directory"], "release")
    # A fresh folder each time: a plugin removed from the workspace leaves the wheel too.
    tmp = PLUGINS + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for f in files:
        shutil.copy2(os.path.join(built, f), os.path.join(tmp, f))
    shutil.rmtree(PLUGINS, ignore_errors=True)
    os.replace(tmp, PLUGINS)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _bundle_plugins()
    return maturin.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    _bundle_plugins()
    return maturin.build_editable(wheel_directory, config_settings, metadata_directory)


build_sdist = maturin.build_sdist
get_requires_for_build_wheel = maturin.get_requires_for_build_wheel
get_requires_for_build_editable = maturin.get_requires_for_build_editable
get_requires_for_build_sdist = maturin.get_requires_for_build_sdist
prepare_metadata_for_build_wheel = maturin.prepare_metadata_for_build_wheel
prepare_metadata_for_build_editable = maturin.prepare_metadata_for_build_editable
