"""Network filesystem warning: detection from an injected mount table, and where the warning shows."""

from __future__ import annotations

import pytest

from phrasebook import netfs, paths
from phrasebook.netfs import mount_of, network_fs, parse_mountinfo

# As /proc/self/mountinfo writes it: optional fields before "-", octal escapes in paths, mounts inside mounts.
MOUNTINFO = r"""22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 22 0:40 / /mnt/hall rw,relatime shared:20 master:3 - nfs4 fileserver:/export/hall rw,vers=4.2
31 30 8:17 / /mnt/hall/local rw,relatime - ext4 /dev/sdb1 rw
32 22 0:41 / /srv/share\040docs rw - cifs //nas/docs rw,vers=3.0
33 22 0:42 / /home/clerk/remote rw,nosuid - fuse.sshfs clerk@host:/data rw,user_id=0
34 22 0:43 / /mnt/host rw - 9p hostshare rw,trans=virtio
35 22 0:44 / /tmp rw - tmpfs tmpfs rw
36 35 0:45 / /tmp rw - nfs server:/scratch rw
garbage line that does not parse
"""


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(netfs, "_warned", set())


def test_parse_mountinfo_reads_points_types_and_escapes():
    mounts = parse_mountinfo(MOUNTINFO)
    assert [m.point for m in mounts][:4] == ["/", "/mnt/hall", "/mnt/hall/local", "/srv/share docs"]
    assert mounts[1].fstype == "nfs4" and mounts[1].source == "fileserver:/export/hall"
    assert len(mounts) == 8


@pytest.mark.parametrize(("path", "fstype"), [
    ("/mnt/hall/phrasebook.db", "nfs4"),
    ("/mnt/hall/local/phrasebook.db", None),       # a local disk mounted inside the NFS share
    ("/mnt/hallway/phrasebook.db", None),           # a prefix of the name is not the mount point
    ("/srv/share docs/db/phrasebook.db", "cifs"),
    ("/home/clerk/remote/phrasebook.db", "fuse.sshfs"),
    ("/mnt/host/x.db", "9p"),
    ("/tmp/x.db", "nfs"),                           # the later mount on the same point hides the tmpfs
    ("/var/lib/phrasebook/phrasebook.db", None),
])
def test_longest_mount_point_decides(path, fstype):
    found = network_fs(path, MOUNTINFO)
    assert (found.fstype if found else None) == fstype
    assert mount_of(path, parse_mountinfo(MOUNTINFO)) is not None


def test_old_style_sshfs_fuse_and_no_mount_table(tmp_path, monkeypatch):
    text = "40 22 0:50 / /data rw - fuse sshfs#me@host:/x rw\n"
    assert network_fs("/data/p.db", text).fstype == "fuse"
    monkeypatch.setenv(paths.ENV_MOUNTINFO, str(tmp_path / "missing"))
    assert network_fs("/data/p.db") is None  # macOS, Windows: nothing to read, no warning


def test_warns_once_per_database():
    said: list[str] = []
    assert netfs.warn_once("/mnt/hall/p.db", said.append, MOUNTINFO)
    assert not netfs.warn_once("/mnt/hall/p.db", said.append, MOUNTINFO)
    assert not netfs.warn_once("/var/p.db", said.append, MOUNTINFO)
    assert len(said) == 1 and "nfs4" in said[0] and "/mnt/hall/p.db" in said[0]


@pytest.fixture
def on_nfs(tmp_path, monkeypatch):
    """The test's own folder appears as an NFS mount."""
    table = tmp_path / "mountinfo"
    table.write_text(f"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n30 22 0:40 / {tmp_path} rw - nfs4 srv:/x rw\n")
    monkeypatch.setenv(paths.ENV_MOUNTINFO, str(table))


def test_cli_warns_on_stderr_once(on_nfs, run):
    result = run("trainee", "list")
    assert result.exit_code == 0
    assert result.output.count("网络文件系统") == 1


def test_cli_says_nothing_on_a_local_disk(run, tmp_path, monkeypatch):
    table = tmp_path / "mountinfo"
    table.write_text("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n")
    monkeypatch.setenv(paths.ENV_MOUNTINFO, str(table))
    result = run("trainee", "list")
    assert "网络文件系统" not in result.output


async def test_tui_shows_a_notice_at_login(on_nfs, db_path, mini_decks, clock):
    from phrasebook.tui.app import make_app

    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("网络文件系统" in m and "nfs4" in m for m in messages)
