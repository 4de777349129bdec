"""auth-service figures: logins per second, and the cost of one access-token validation.

    python3 benchmarks/auth_tokens.py [--logins 60] [--concurrency 1 2 4] [--validations 20000] [--url URL]
        [--java-opts "..."]

Without --url it runs its own auth-service (auth-service/target/auth-service.jar: build it first) on a free port,
with a private redis-server and a fresh embedded database in a temporary folder; a platform you have running is not
touched. With --url it uses that service (it registers one user there).

  * logins: POST /api/auth/login with the right password, --logins per concurrency level, from that many client
    threads; figure = logins per second, and the latency p50/p99. One login is dominated by one Argon2id
    verification (m = 19 MiB, t = 2, p = 1; why: dev.polyglot.auth.users.Passwords), so on a 2-core machine the
    rate stops growing at about two concurrent logins: that is the intended price of a password guess.
  * token validation: the service's own check, measured in a JVM outside it (the service's nimbus-jose-jwt, from
    the jar): parse, pick the key of the JWKS by kid, verify the RS256 signature, read the claims; --validations
    times after a warm-up; figure = microseconds per validation. Spring's claim validators (iss, aud, exp) add
    little to it. For context, GET /api/auth/me (validation + one database read + HTTP) is timed too.

Two shared cores: read figures as orders of magnitude, and run it twice.

This is a script, not a test: where it cannot measure (no jar, the service does not start, a request fails) it
stops with sys.exit and the reason, rather than print figures that would mean nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from launcher.build import java_executable, redis_server_executable  # noqa: E402
from launcher.config import PLATFORM_VARIABLES, free_port  # noqa: E402

JAR = ROOT / "auth-service" / "target" / "auth-service.jar"
PASSWORD = "benchmark-password-not-secret"

VALIDATOR = r"""
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.file.Files;
import java.nio.file.Path;

public class Validate {
    public static void main(String[] args) throws Exception {
        JWKSet keys = JWKSet.parse(Files.readString(Path.of(args[0])));
        String token = Files.readString(Path.of(args[1])).strip();
        int count = Integer.parseInt(args[2]);
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(keys)));
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
        for (int i = 0; i < Math.max(2000, count / 5); i++) { // warm-up: the JIT compiles the hot path
            processor.process(token, null);
        }
        long start = System.nanoTime();
        JWTClaimsSet claims = null;
        for (int i = 0; i < count; i++) {
            claims = processor.process(token, null);
        }
        long elapsed = System.nanoTime() - start;
        System.out.println((elapsed / 1000.0 / count) + " " + claims.getSubject());
    }
}
"""


def request(url: str, method: str = "GET", body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            text = response.read()
            return response.status, json.loads(text) if text else {}
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def start_service(work: Path, java_opts: str) -> tuple[str, list[subprocess.Popen]]:
    if not JAR.is_file():
        sys.exit(f"{JAR} is missing: build it first (./mvnw -pl auth-service -am -DskipTests package)")
    redis_port, port = free_port(), free_port()
    redis = subprocess.Popen([redis_server_executable(), "--port", str(redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    env = {k: v for k, v in os.environ.items() if k not in PLATFORM_VARIABLES}
    env.update({"AUTH_PORT": str(port), "PLATFORM_DATA_DIR": str(work), "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"})
    log = open(work / "auth-service.log", "w")  # noqa: SIM115 (kept open for the process' lifetime)
    service = subprocess.Popen([java_executable(), *shlex.split(java_opts), "-jar", str(JAR)], env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if request(f"{url}/actuator/health/readiness")[0] == 200:
                return url, [service, redis]
        except OSError:
            pass
        if service.poll() is not None:
            sys.exit(f"auth-service exited; see {work / 'auth-service.log'}")
        time.sleep(0.5)
    sys.exit("auth-service did not become ready within 120 s")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def login_figures(url: str, email: str, logins: int, concurrency: int) -> tuple[float, float, float]:
    def one(_: int) -> float:
        started = time.perf_counter()
        status, body = request(f"{url}/api/auth/login", "POST", {"email": email, "password": PASSWORD})
        if status != 200:
            raise RuntimeError(f"login answered {status}: {body}")
        return time.perf_counter() - started

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(concurrency * 2)))  # warm-up
        started = time.perf_counter()
        latencies = list(pool.map(one, range(logins)))
        elapsed = time.perf_counter() - started
    return logins / elapsed, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000


def validation_micros(url: str, token: str, count: int, work: Path) -> float:
    with zipfile.ZipFile(JAR) as jar:
        nimbus = next(name for name in jar.namelist() if "/nimbus-jose-jwt-" in name)
        classpath = work / Path(nimbus).name
        classpath.write_bytes(jar.read(nimbus))
    jwks = json.dumps(request(f"{url}/api/auth/.well-known/jwks.json")[1])
    (work / "jwks.json").write_text(jwks)
    (work / "token.txt").write_text(token)
    source = work / "Validate.java"
    source.write_text(VALIDATOR)
    result = subprocess.run([java_executable(), "-cp", str(classpath), str(source), str(work / "jwks.json"),
                             str(work / "token.txt"), str(count)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"validation benchmark failed:\n{result.stderr[-3000:]}")
    return float(result.stdout.split()[0])


def me_millis(url: str, token: str, count: int = 300) -> float:
    for _ in range(50):
        request(f"{url}/api/auth/me", token=token)
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        status, _ = request(f"{url}/api/auth/me", token=token)
        latencies.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"/me answered {status}")
    return statistics.median(latencies) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an auth-service already running (default: start one)")
    parser.add_argument("--logins", type=int, default=60, help="logins per concurrency level")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--validations", type=int, default=20000)
    parser.add_argument("--java-opts", default="-Xmx384m", help="the service's JVM options (-Xmx384m, as measured before)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="auth-bench-"))
    processes: list[subprocess.Popen] = []
    try:
        url = args.url
        if url is None:
            url, processes = start_service(work, args.java_opts)
        email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
        status, body = request(f"{url}/api/auth/register", "POST",
                               {"email": email, "name": "Benchmark", "password": PASSWORD})
        if status != 201:
            sys.exit(f"register answered {status}: {body}")

        print(f"auth-service at {url}, {os.cpu_count()} CPU(s); Argon2id m=19 MiB, t=2, p=1\n")
        print("| client threads | logins/s | p50 ms | p99 ms |")
        print("|---:|---:|---:|---:|")
        for concurrency in args.concurrency:
            rate, p50, p99 = login_figures(url, email, args.logins, concurrency)
            print(f"| {concurrency} | {rate:.1f} | {p50:.0f} | {p99:.0f} |")

        token = request(f"{url}/api/auth/login", "POST", {"email": email, "password": PASSWORD})[1]["access_token"]
        micros = validation_micros(url, token, args.validations, work)
        print(f"\none access-token validation (RS256 2048-bit, nimbus-jose-jwt, JIT warm): {micros:.1f} µs "
              f"(~{1e6 / micros:,.0f} per second on one core)")
        print(f"GET /api/auth/me round trip (validation + one database read + HTTP), median: {me_millis(url, token):.2f} ms")
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
