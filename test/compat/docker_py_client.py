"""Exercises docker-py against the daemon in DOCKER_HOST; any failed assertion exits non-zero."""
import io
import socket
import struct
import tarfile
import docker


def demux(data):
    """Split Docker's multiplexed stream (8-byte headers) into stdout and stderr bytes."""
    out, err = b"", b""
    while data:
        kind, size = data[0], struct.unpack(">I", data[4:8])[0]
        payload, data = data[8:8 + size], data[8 + size:]
        if kind == 1:
            out += payload
        elif kind == 2:
            err += payload
    return out, err

client = docker.from_env(version="auto", timeout=60)
api = client.api
assert client.ping() is True
assert client.version()["ApiVersion"] == "1.55", client.version()
assert client.info()["Driver"] == "overlay2"

client.images.pull("busybox", tag="latest")
tags = [t for i in client.images.list() for t in i.tags]
assert "busybox:latest" in tags, tags
assert client.images.get("busybox").attrs["Os"] == "linux"

# run in the foreground: output of both streams, auto-remove
out = client.containers.run("busybox", ["sh", "-c", "echo out; echo err >&2"], remove=True, stderr=True, network_mode="none")
assert out == b"out\nerr\n", out
try:
    client.containers.run("busybox", ["sh", "-c", "exit 3"], remove=True, network_mode="none")
    raise AssertionError("expected ContainerError")
except docker.errors.ContainerError as e:
    assert e.exit_status == 3

c = client.containers.run("busybox", ["sh", "-c", "echo ready; exec sleep 300"], detach=True, name="py-svc", labels={"k": "v"}, network_mode="none")
assert c.name == "py-svc"
c.reload()
assert c.status == "running", c.status
assert [x.name for x in client.containers.list(filters={"label": "k=v"})] == ["py-svc"]

# exec_run: exit code and demultiplexed output
r = c.exec_run(["sh", "-c", "echo a; echo b >&2; exit 4"], demux=True)
assert r.exit_code == 4, r
assert r.output == (b"a\n", b"b\n"), r.output
r = c.exec_run("cat /etc/hostname")
assert r.exit_code == 0 and r.output.strip() == c.id[:12].encode(), r
r = c.exec_run(["sh", "-c", "tty"], tty=True)
assert r.output.startswith(b"/dev/pts/"), r.output
# streamed exec
gen = c.exec_run(["sh", "-c", "for i in 1 2 3; do echo s$i; done"], stream=True)
assert b"".join(gen.output) == b"s1\ns2\ns3\n"

for _ in range(100):
    if c.logs() == b"ready\n":
        break
    import time; time.sleep(0.05)
assert c.logs() == b"ready\n", c.logs()
assert c.top()["Processes"][0][-1].startswith("sleep") or "sleep" in str(c.top()), c.top()

# attach socket: stdin to a container started after the attach, half-closed
k = client.containers.create("busybox", ["sh", "-c", "cat; echo done"], stdin_open=True, network_mode="none")
s = k.attach_socket(params={"stdin": 1, "stream": 1, "stdout": 1, "stderr": 1})
k.start()
s._sock.sendall(b"hello\n")
s._sock.shutdown(socket.SHUT_WR)
s._sock.settimeout(30)
data = b""
while True:
    d = s._sock.recv(4096)
    if not d:
        break
    data += d
assert demux(data) == (b"hello\ndone\n", b""), data
assert k.wait(timeout=30)["StatusCode"] == 0
assert k.logs() == b"hello\ndone\n"

# archive round trip
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as tar:
    info = tarfile.TarInfo("put.txt")
    info.size = 3
    tar.addfile(info, io.BytesIO(b"put"))
assert c.put_archive("/tmp", buf.getvalue())
assert c.exec_run("cat /tmp/put.txt").output == b"put"
bits, stat = c.get_archive("/etc/hostname")
assert stat["name"] == "hostname", stat
assert len(b"".join(bits)) >= 512

# commit, tag, remove
img = c.commit(repository="pysnap", tag="v1")
assert "pysnap:v1" in img.tags
img.tag("pysnap", "v2")
client.images.remove("pysnap:v2")
c.kill()
assert c.wait(timeout=30)["StatusCode"] == 137
c.remove()
k.remove()
client.images.remove("pysnap:v1")
assert client.containers.list(all=True) == []
pruned = client.containers.prune()
assert "SpaceReclaimed" in pruned
print("docker-py OK")
