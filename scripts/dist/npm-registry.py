#!/usr/bin/env python3
"""A read-only npm registry on 127.0.0.1 serving the tarballs of one directory (`npm pack`
output), so that `make test-dist` installs the packages the way npm does from a real registry:
the main package, then only the platform package whose os/cpu/libc match. Prints its URL."""
import base64, hashlib, http.server, json, sys, tarfile
from pathlib import Path

root = Path(sys.argv[1])
packages = {}
for tgz in sorted(root.glob("*.tgz")):
    with tarfile.open(tgz) as t:
        manifest = json.load(t.extractfile("package/package.json"))
    data = tgz.read_bytes()
    manifest["dist"] = {
        "tarball": f"/-/{tgz.name}",
        "shasum": hashlib.sha1(data).hexdigest(),
        "integrity": "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode(),
    }
    p = packages.setdefault(manifest["name"], {"name": manifest["name"], "versions": {}, "dist-tags": {}})
    p["versions"][manifest["version"]] = manifest
    p["dist-tags"]["latest"] = manifest["version"]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?")[0]
        if path.startswith("/-/") and (root / path[3:]).is_file() and "/" not in path[3:]:
            body, kind = (root / path[3:]).read_bytes(), "application/octet-stream"
        else:
            name = path.lstrip("/").replace("%2f", "/").replace("%2F", "/")
            if name not in packages:
                self.send_error(404)
                return
            doc = json.loads(json.dumps(packages[name]))
            host = f"http://{self.headers['Host']}"
            for v in doc["versions"].values():
                v["dist"]["tarball"] = host + v["dist"]["tarball"]
            body, kind = json.dumps(doc).encode(), "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"http://127.0.0.1:{server.server_address[1]}/", flush=True)
server.serve_forever()
