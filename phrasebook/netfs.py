"""Is the database on a network filesystem? SQLite's WAL needs shared memory and POSIX locks that NFS, SMB/CIFS,
sshfs or 9p do not provide reliably: two machines writing the same file there can corrupt it silently.

Detection reads the kernel's mount table (`/proc/self/mountinfo`, overridable for tests) and takes the longest
mount point containing the database's real path. Where there is no mount table (macOS, Windows) nothing is
reported. Pure functions of their inputs, plus `warn_once` for the CLI and the TUI.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from phrasebook import paths
from phrasebook.i18n import t

NETWORK_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "9p", "afs", "coda", "ceph", "glusterfs",
    "lustre", "gpfs", "ocfs2", "gfs2", "davfs", "beegfs", "orangefs", "pvfs2",
    "fuse.sshfs", "fuse.glusterfs", "fuse.cephfs", "fuse.s3fs", "fuse.rclone", "fuse.davfs2", "fuse.gcsfuse",
    "fuse.juicefs", "fuse.smbnetfs", "fuse.curlftpfs",
})


@dataclass(frozen=True)
class Mount:
    point: str
    fstype: str
    source: str


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash in paths as octal escapes (\\040 …)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def parse_mountinfo(text: str) -> list[Mount]:
    """The mounts of a mountinfo text, in kernel order (later mounts hide earlier ones on the same point).
    Lines that do not parse are skipped: a warning is advice, never a reason to stop."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if "-" not in fields[6:]:
            continue
        sep = fields.index("-", 6)
        if len(fields) < sep + 3:
            continue
        mounts.append(Mount(point=_unescape(fields[4]), fstype=fields[sep + 1], source=_unescape(fields[sep + 2])))
    return mounts


def mount_of(path: str, mounts: list[Mount]) -> Mount | None:
    """The mount holding `path` (absolute, symlinks resolved): the longest matching mount point, the last one
    listed when several share it."""
    best: Mount | None = None
    for mount in mounts:
        point = mount.point.rstrip("/") or "/"
        inside = path == point or path.startswith(point if point == "/" else point + "/")
        if inside and (best is None or len(point) >= len(best.point.rstrip("/") or "/")):
            best = mount
    return best


def is_network(mount: Mount) -> bool:
    kind = mount.fstype.lower()
    return kind in NETWORK_TYPES or (kind == "fuse" and mount.source.lower().startswith("sshfs"))


def network_fs(path: Path | str, mountinfo: str | None = None) -> Mount | None:
    """The network mount the database would live on, or None (also when the mount table cannot be read)."""
    if mountinfo is None:
        try:
            mountinfo = paths.mountinfo_path().read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    real = os.path.realpath(os.path.abspath(path))  # resolves what exists; a new file's folder decides
    mount = mount_of(real, parse_mountinfo(mountinfo))
    return mount if mount and is_network(mount) else None


def warning(mount: Mount, path: Path | str) -> str:
    return t("netfs.warning", path=path, fstype=mount.fstype, point=mount.point)


_warned: set[str] = set()


def warn_once(path: Path | str, emit: Callable[[str], None], mountinfo: str | None = None) -> bool:
    """Emit the warning for `path` the first time this process sees it on a network filesystem."""
    key = os.path.abspath(path)
    if key in _warned:
        return False
    mount = network_fs(path, mountinfo)
    if mount is None:
        return False
    _warned.add(key)
    emit(warning(mount, path))
    return True
