#!/usr/bin/env python3
"""Cross-checks of the deployment files that no schema expresses.

scripts/check-deploy runs it after the schema validators. It reads the Dockerfile, the
compose file and the Kubernetes manifests and checks that they agree with each other and with
DESIGN.md's service list: every Accord service is its own compose container and its own
Deployment (or StatefulSet) with readiness (/ready) and liveness (/health) probes, chat and
gateway have HorizontalPodAutoscalers, voice nodes publish the ports clients reach them at
directly, the image runs as a non-root user, and so on. It prints every
problem it finds and exits 1 if there was any.

Usage: deploy/check.py [ROOT]   (ROOT defaults to the repository holding this file)
"""

import re
import sys
from pathlib import Path

import yaml

# DESIGN.md's services that run as their own process in a cluster.
SERVICES = ("edge", "auth", "users", "guilds", "chat", "media", "presence", "voice", "gateway")
AUTOSCALED = ("chat", "gateway")
INFRASTRUCTURE = ("postgres", "nats", "redis", "minio")
PORT = 8080
# Services whose own ports clients reach (not only through the edge).
PUBLISHED = ("edge", "voice")
# The Kubernetes NodePort range (the API server's default --service-node-port-range).
NODE_PORTS = range(30000, 32768)
# Kubernetes manifests that kustomization.yaml must not apply (templates).
TEMPLATES = ("secret.example.yaml",)

problems = []


def problem(where, message):
    problems.append(f"{where}: {message}")


def tagged(image):
    """Whether an image reference names a tag (or digest) other than `latest`."""
    if "@" in image:
        return True
    name = image.rsplit("/", 1)[-1]
    return ":" in name and not name.endswith(":latest")


# --- Dockerfile ------------------------------------------------------------------------------


def dockerfile_instructions(text):
    """(instruction, arguments) pairs, with continuation lines joined and comments dropped."""
    out, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def check_dockerfile(root):
    where = "Dockerfile"
    instructions = dockerfile_instructions((root / "Dockerfile").read_text())
    args, stages = {}, []
    for word, rest in instructions:
        if word == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name] = default
        elif word == "FROM":
            parts = rest.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), ""), parts[0])
            alias = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            if image not in [s["alias"] for s in stages] and not tagged(image):
                problem(where, f"base image {image!r} has no fixed tag")
            stages.append({"alias": alias, "image": image, "body": []})
        elif stages:
            stages[-1]["body"].append((word, rest))
    if len(stages) < 2:
        problem(where, "expected a multi-stage build (a build stage and a runtime stage)")
        return
    build = " ".join(rest for stage in stages[:-1] for word, rest in stage["body"] if word == "RUN")
    if "cargo build --release --locked -p accord" not in build:
        problem(where, "no build stage runs `cargo build --release --locked -p accord`")
    final = dict()
    for word, rest in stages[-1]["body"]:
        final[word] = rest  # the last one of each kind is the one in force
    user = final.get("USER", "root").split(":")[0]
    if user in ("root", "0"):
        problem(where, "the runtime stage must end with a non-root USER")
    elif not user.isdigit():
        problem(where, "USER should be numeric so that Kubernetes' runAsNonRoot can verify it")
    if final.get("ENTRYPOINT") != '["accord"]':
        problem(where, 'ENTRYPOINT must be ["accord"]')
    if final.get("CMD") != '["serve"]':
        problem(where, 'CMD must be ["serve"]')
    if str(PORT) not in final.get("EXPOSE", "").split():
        problem(where, f"the runtime stage must EXPOSE {PORT}")
    if not any(w == "COPY" and "--from=" in r for w, r in stages[-1]["body"]):
        problem(where, "the runtime stage copies nothing from the build stage")

    ignored = (root / ".dockerignore").read_text().split() if (root / ".dockerignore").exists() else []
    for entry in ("target/", ".git", "data/"):
        if entry not in ignored:
            problem(".dockerignore", f"must exclude {entry}")
    if "deploy/" not in ignored and "deploy/secret.key" not in ignored:
        problem(".dockerignore", "must exclude deploy/secret.key (the signing secret)")


# --- Compose ---------------------------------------------------------------------------------


def check_compose(root):
    where = "deploy/compose.yml"
    compose = yaml.safe_load((root / "deploy/compose.yml").read_text())
    services = compose.get("services", {})
    secrets = compose.get("secrets", {})
    images = set()
    for name, service in services.items():
        image = service.get("image", "")
        if "build" not in service and not tagged(image):
            problem(where, f"service {name}: image {image!r} has no fixed tag")
    for name in INFRASTRUCTURE:
        if name not in services:
            problem(where, f"no {name} service")
        elif "healthcheck" not in services[name]:
            problem(where, f"service {name} has no healthcheck (Accord waits for it to be healthy)")
    if not services.get("postgres", {}).get("image", "").startswith("postgres:16"):
        problem(where, "postgres should run postgres:16")
    check_nats(root, where, services.get("nats", {}))

    for name in SERVICES:
        if name not in services:
            problem(where, f"Accord service {name} has no container of its own")
            continue
        images.add(services[name].get("image"))
        check_compose_service(f"{where}: service {name}", name, services[name], secrets)
    if len(images) > 1:
        problem(where, f"the Accord services must share one image, not {sorted(map(str, images))}")
    replicas = ((services.get("gateway") or {}).get("deploy") or {}).get("replicas", 1)
    if replicas < 2:
        problem(where, "gateway should run at least 2 replicas (deploy.replicas)")
    edge_depends = (services.get("edge") or {}).get("depends_on") or {}
    for name in SERVICES:
        if name != "edge" and (edge_depends.get(name) or {}).get("condition") != "service_healthy":
            problem(where, f"the edge must wait for {name} (depends_on with condition service_healthy)")
    if "voice" in services:
        check_compose_voice(f"{where}: service voice", services["voice"])


def check_compose_service(at, name, service, secrets):
    """One Accord service's container: its settings, health check, dependencies and ports."""
    env = {k: str(v) for k, v in (service.get("environment") or {}).items()}
    if (service.get("build") or {}).get("context") != "..":
        problem(at, "must build the repository's Dockerfile (build.context: ..)")
    if env.get("ACCORD_SERVICES") != name:
        problem(at, f"ACCORD_SERVICES must be {name!r}, not {env.get('ACCORD_SERVICES')!r}")
    if env.get("ACCORD_WORKER_ID") != "auto":
        problem(at, "ACCORD_WORKER_ID must be auto (ids are leased from the registry)")
    for key, scheme in (("ACCORD_DATABASE", "postgres://"), ("ACCORD_BUS", "nats://"),
                        ("ACCORD_CACHE", "redis://"), ("ACCORD_BLOBS", "s3://")):
        if not env.get(key, "").startswith(scheme):
            problem(at, f"{key} must be a {scheme} URL")
    if not env.get("ACCORD_LISTEN", "").endswith(f":{PORT}"):
        problem(at, f"ACCORD_LISTEN must listen on port {PORT}")
    advertise = env.get("ACCORD_ADVERTISE") or ""
    entrypoint = service.get("entrypoint") or []
    if not advertise and "--advertise" not in " ".join(entrypoint):
        problem(at, "sets no ACCORD_ADVERTISE / --advertise")
    check_compose_secret(at, env, service, secrets)
    test = " ".join(map(str, (service.get("healthcheck") or {}).get("test", [])))
    if f":{PORT}/ready" not in test:
        problem(at, f"the healthcheck must ask /ready on port {PORT}")
    depends = service.get("depends_on") or {}
    for dep in ("postgres", "nats", "redis"):
        if (depends.get(dep) or {}).get("condition") != "service_healthy":
            problem(at, f"must depend on {dep} with condition service_healthy")
    published = service.get("ports") or []
    if name == "edge":
        if not any(str(p).endswith(f":{PORT}") for p in published):
            problem(at, f"the edge must publish port {PORT}")
    elif published and name not in PUBLISHED:
        problem(at, f"only {', '.join(PUBLISHED)} publish ports")


def interpolate(value):
    """A compose value as it reads with no variables set: `${NAME:-default}` (or `-default`)
    becomes its default, `${NAME}` nothing."""
    return re.sub(r"\$\{(\w+)(?::?-([^}]*))?\}", lambda m: m.group(2) or "", str(value))


def published_ports(service):
    """(host port, container port, protocol) of each published port, variables at their
    defaults; short syntax (`[ip:]host:container[/protocol]`) or long syntax."""
    out = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            out.append((interpolate(entry.get("published", "")), interpolate(entry.get("target", "")),
                        entry.get("protocol", "tcp")))
            continue
        text, _, protocol = interpolate(entry).partition("/")
        parts = text.rsplit(":", 2)
        host, container = (parts[-2], parts[-1]) if len(parts) >= 2 else ("", parts[0])
        out.append((host, container, protocol or "tcp"))
    return out


def split_host_port(address):
    host, _, port = address.rpartition(":")
    return host.strip("[]"), port


def check_compose_voice(at, service):
    """The voice node: clients open its /voice/ws and send media to its UDP port directly, so
    both are published, and what it announces (public IP, endpoint) matches what is published."""
    env = {k: interpolate(v) for k, v in (service.get("environment") or {}).items()}
    ports = published_ports(service)
    if ((service.get("deploy") or {}).get("replicas", 1)) != 1:
        problem(at, "run one replica: each voice node needs published ports of its own")
    udp_host, udp_port = split_host_port(env.get("ACCORD_VOICE_UDP", ""))
    if udp_host not in ("0.0.0.0", "::") or not udp_port.isdigit():
        problem(at, "ACCORD_VOICE_UDP must bind every address (0.0.0.0:<port>) to receive published traffic")
    elif (udp_port, udp_port, "udp") not in ports:
        problem(at, f"must publish UDP {udp_port} as the same port on the host (the SFU announces the port it binds)")
    if not env.get("ACCORD_VOICE_PUBLIC_IP"):
        problem(at, "sets no ACCORD_VOICE_PUBLIC_IP (the address announced to clients for media)")
    ws = [host for host, container, protocol in ports if container == str(PORT) and protocol == "tcp"]
    if not ws:
        problem(at, f"must publish port {PORT} (clients open /voice/ws there directly)")
    endpoint_host, endpoint_port = split_host_port(env.get("ACCORD_VOICE_ENDPOINT", ""))
    if not endpoint_host or endpoint_port not in ws:
        problem(at, f"ACCORD_VOICE_ENDPOINT must be host:port with the host port published for {PORT}")


def check_compose_secret(at, env, service, secrets):
    path = env.get("ACCORD_SECRET_FILE", "")
    names = [s if isinstance(s, str) else s.get("source") for s in service.get("secrets") or []]
    if not any(path == f"/run/secrets/{n}" for n in names):
        problem(at, "ACCORD_SECRET_FILE must name one of its mounted secrets")
    for n in names:
        if n not in secrets:
            problem(at, f"secret {n} is not defined at the top level")


def check_nats(root, where, nats):
    command = " ".join(map(str, nats.get("command") or []))
    mounts = [str(v) for v in nats.get("volumes") or []]
    conf = next((m.split(":")[1] for m in mounts if m.startswith("./nats.conf:")), None)
    if conf is None or conf not in command:
        problem(where, "nats must run with deploy/nats.conf mounted and named by --config")
    text = (root / "deploy/nats.conf").read_text()
    if not re.search(r"^\s*jetstream\s*\{", text, re.M):
        problem("deploy/nats.conf", "JetStream must be enabled")
    if not re.search(r"^\s*sync_interval:\s*always\s*$", text, re.M):
        problem("deploy/nats.conf", "JetStream must sync every write (sync_interval: always)")


# --- Kubernetes ------------------------------------------------------------------------------


def load_kubernetes(directory):
    objects = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                objects[(doc["kind"], doc["metadata"]["name"])] = (path.name, doc)
    return objects


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_kubernetes(root):
    directory = root / "deploy/kubernetes"
    objects = load_kubernetes(directory)
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    listed = set(kustomization.get("resources", []))
    files = {p.name for p in directory.glob("*.yaml")} - {"kustomization.yaml"}
    for missing in sorted(files - listed - set(TEMPLATES)):
        problem("deploy/kubernetes/kustomization.yaml", f"does not list {missing}")
    for extra in sorted(listed - files):
        problem("deploy/kubernetes/kustomization.yaml", f"lists {extra}, which does not exist")
    for template in sorted(listed & set(TEMPLATES)):
        problem("deploy/kubernetes/kustomization.yaml", f"must not apply the template {template}")

    namespace = kustomization.get("namespace")
    for (kind, name), (file, doc) in objects.items():
        if kind != "Namespace" and doc["metadata"].get("namespace") != namespace:
            problem(f"deploy/kubernetes/{file}", f"{kind} {name} is not in namespace {namespace}")

    config = next((d for (k, _), (_, d) in objects.items() if k == "ConfigMap"), None)
    secret = next((d for (k, _), (_, d) in objects.items() if k == "Secret"), None)
    if config is None or secret is None:
        problem("deploy/kubernetes", "needs the shared ConfigMap and the Secret template")
        return
    if config["data"].get("ACCORD_WORKER_ID") != "auto":
        problem("deploy/kubernetes/configmap.yaml", "ACCORD_WORKER_ID must be auto")
    if not str(config["data"].get("ACCORD_LISTEN", "")).endswith(f":{PORT}"):
        problem("deploy/kubernetes/configmap.yaml", f"ACCORD_LISTEN must use port {PORT}")
    images = {i["name"] for i in kustomization.get("images", [])}

    for name in SERVICES:
        kind = next((k for k in ("Deployment", "StatefulSet") if (k, f"accord-{name}") in objects), None)
        if kind is None:
            problem("deploy/kubernetes", f"no Deployment (or StatefulSet) accord-{name} for the {name} service")
            continue
        entry = objects[(kind, f"accord-{name}")]
        check_deployment(name, entry[0], entry[1], config, secret, images)
        check_service(name, objects, entry[1])
    for name in AUTOSCALED:
        check_hpa(name, objects)
    check_ingress(objects)
    check_voice(objects)
    check_node_ports(objects)


def check_deployment(name, file, deployment, config, secret, images):
    at = f"deploy/kubernetes/{file}: {deployment['kind']} accord-{name}"
    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    labels = spec["template"]["metadata"].get("labels", {})
    if not selects(spec["selector"].get("matchLabels"), labels):
        problem(at, "the selector does not match the pod's labels")
    if name in AUTOSCALED and "replicas" in spec:
        problem(at, "leave replicas to the HorizontalPodAutoscaler")
    if pod.get("enableServiceLinks") is not False:
        problem(at, "set enableServiceLinks: false (service links add *_SERVICE_* env)")
    if not (pod.get("securityContext") or {}).get("runAsNonRoot"):
        problem(at, "the pod must set runAsNonRoot")
    # The namespace enforces the "restricted" Pod Security Standard, which rejects these.
    if pod.get("hostNetwork") or pod.get("hostPID") or pod.get("hostIPC"):
        problem(at, "hostNetwork/hostPID/hostIPC are forbidden by the restricted Pod Security Standard")
    if any(p.get("hostPort") for c in pod["containers"] for p in c.get("ports", [])):
        problem(at, "hostPort is forbidden by the restricted Pod Security Standard")
    containers = [c for c in pod["containers"] if c["image"].split(":")[0] in images]
    if len(containers) != 1:
        problem(at, "expected one container running the kustomization's accord image")
        return
    c = containers[0]
    ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
    if PORT not in ports.values():
        problem(at, f"the container must expose port {PORT}")
    for probe, path in (("readinessProbe", "/ready"), ("livenessProbe", "/health")):
        get = (c.get(probe) or {}).get("httpGet") or {}
        if get.get("path") != path:
            problem(at, f"{probe} must GET {path}")
        elif ports.get(get.get("port"), get.get("port")) != PORT:
            problem(at, f"{probe} must probe port {PORT}")
    resources = c.get("resources") or {}
    for kind in ("requests", "limits"):
        if not {"cpu", "memory"} <= set((resources.get(kind) or {})):
            problem(at, f"needs cpu and memory {kind}")
    security = c.get("securityContext") or {}
    if security.get("readOnlyRootFilesystem") is not True or security.get("allowPrivilegeEscalation") is not False:
        problem(at, "needs readOnlyRootFilesystem: true and allowPrivilegeEscalation: false")
    check_environment(at, name, c, config, secret)
    check_volumes(at, pod, c, config, secret)


def check_environment(at, name, c, config, secret):
    env = {e["name"]: e for e in c.get("env", [])}
    if (env.get("ACCORD_SERVICES") or {}).get("value") != name:
        problem(at, "ACCORD_SERVICES must name the service")
    advertise = (env.get("ACCORD_ADVERTISE") or {}).get("value", "")
    pod_ip = (((env.get("POD_IP") or {}).get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath")
    if advertise != f"$(POD_IP):{PORT}" or pod_ip != "status.podIP":
        problem(at, f"ACCORD_ADVERTISE must be $(POD_IP):{PORT} with POD_IP from status.podIP")
    names = list(env)
    if "POD_IP" in names and "ACCORD_ADVERTISE" in names and names.index("POD_IP") > names.index("ACCORD_ADVERTISE"):
        problem(at, "POD_IP must come before ACCORD_ADVERTISE to be expanded")
    if "ACCORD_DATABASE" not in env:
        problem(at, "ACCORD_DATABASE must come from the Secret")
    refs = [e.get("configMapRef", {}).get("name") for e in c.get("envFrom", [])]
    if config["metadata"]["name"] not in refs:
        problem(at, "must read the shared ConfigMap with envFrom")
    for e in env.values():
        ref = (e.get("valueFrom") or {}).get("secretKeyRef")
        if ref and (ref["name"] != secret["metadata"]["name"] or ref["key"] not in secret["stringData"]):
            problem(at, f"{e['name']} names {ref['name']}/{ref['key']}, not in the Secret template")


def check_volumes(at, pod, c, config, secret):
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
    for path, volume in mounts.items():
        if volume not in volumes:
            problem(at, f"mount {path} names no volume")
    data_dir = config["data"].get("ACCORD_DATA_DIR")
    if data_dir not in mounts:
        problem(at, f"the data directory {data_dir} needs a writable volume")
    secret_file = config["data"].get("ACCORD_SECRET_FILE", "")
    directory, _, key = secret_file.rpartition("/")
    source = (volumes.get(mounts.get(directory)) or {}).get("secret") or {}
    items = {i["path"]: i["key"] for i in source.get("items", [])}
    if source.get("secretName") != secret["metadata"]["name"] or items.get(key, key) not in secret["stringData"]:
        problem(at, f"ACCORD_SECRET_FILE {secret_file} is not a file of the mounted Secret")


def check_service(name, objects, deployment):
    entry = objects.get(("Service", f"accord-{name}"))
    if entry is None:
        problem("deploy/kubernetes", f"no Service accord-{name}")
        return
    labels = deployment["spec"]["template"]["metadata"].get("labels", {})
    if not selects(entry[1]["spec"].get("selector"), labels):
        problem(f"deploy/kubernetes/{entry[0]}", f"Service accord-{name} does not select its pods")
    if deployment["kind"] == "StatefulSet":
        if deployment["spec"].get("serviceName") != f"accord-{name}":
            problem(f"deploy/kubernetes/{entry[0]}", f"StatefulSet accord-{name} must name Service accord-{name}")
        elif entry[1]["spec"].get("clusterIP") != "None":
            problem(f"deploy/kubernetes/{entry[0]}", f"Service accord-{name} governs a StatefulSet: make it headless")


def check_voice(objects):
    """Voice nodes are reached directly: pod N of the StatefulSet binds UDP VOICE_UDP_BASE+N
    and announces it, and Service accord-voice-N exposes that port as the same node port and
    /voice/ws as node port VOICE_WS_BASE+N."""
    entry = objects.get(("StatefulSet", "accord-voice"))
    if entry is None:
        problem("deploy/kubernetes", "voice runs as StatefulSet accord-voice (its pods' ports follow their ordinals)")
        return
    file, statefulset = entry
    at = f"deploy/kubernetes/{file}: StatefulSet accord-voice"
    container = statefulset["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in container.get("env", [])}
    field = lambda n: (((env.get(n) or {}).get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath")
    if field("POD_NAME") != "metadata.name" or field("HOST_IP") != "status.hostIP":
        problem(at, "needs POD_NAME from metadata.name and HOST_IP from status.hostIP")
    script = " ".join(container.get("command", []) + container.get("args", []))
    for variable in ("ACCORD_VOICE_UDP", "ACCORD_VOICE_PUBLIC_IP", "ACCORD_VOICE_ENDPOINT"):
        if f"export {variable}=" not in script:
            problem(at, f"the start script must export {variable}")
    if "exec accord serve" not in script:
        problem(at, "the start script must end in `exec accord serve`")
    bases = {n: str((env.get(n) or {}).get("value", "")) for n in ("VOICE_UDP_BASE", "VOICE_WS_BASE")}
    if not all(v.isdigit() for v in bases.values()):
        problem(at, "VOICE_UDP_BASE and VOICE_WS_BASE must be port numbers")
        return
    udp_base, ws_base = int(bases["VOICE_UDP_BASE"]), int(bases["VOICE_WS_BASE"])
    replicas = statefulset["spec"].get("replicas", 1)
    labels = statefulset["spec"]["template"]["metadata"].get("labels", {})
    per_pod = {n for k, n in objects if k == "Service" and re.fullmatch(r"accord-voice-\d+", n)}
    for n in range(replicas):
        name = f"accord-voice-{n}"
        per_pod.discard(name)
        if ("Service", name) not in objects:
            problem(at, f"replica {n} has no Service {name} (clients reach each node directly)")
            continue
        service_file, service = objects[("Service", name)]
        where = f"deploy/kubernetes/{service_file}: Service {name}"
        spec = service["spec"]
        selector = dict(spec.get("selector") or {})
        if selector.pop("statefulset.kubernetes.io/pod-name", None) != name or not selects(selector, labels):
            problem(where, f"must select the one pod {name}")
        if spec.get("type") not in ("NodePort", "LoadBalancer"):
            problem(where, "must be a NodePort or LoadBalancer Service")
        ports = spec.get("ports", [])
        udp = [p for p in ports if p.get("protocol") == "UDP"]
        if not any(p["port"] == p.get("targetPort") == p.get("nodePort") == udp_base + n for p in udp):
            problem(where, f"must expose UDP {udp_base + n}, the port pod {n} binds and announces, "
                           "as port, targetPort and nodePort")
        tcp = [p for p in ports if p.get("protocol", "TCP") == "TCP"]
        if not any(p.get("targetPort") in ("http", PORT) and p.get("nodePort") == ws_base + n for p in tcp):
            problem(where, f"must expose the pod's http port as nodePort {ws_base + n} (its /voice/ws endpoint)")
    for name in sorted(per_pod):
        problem("deploy/kubernetes", f"Service {name} selects no pod: StatefulSet accord-voice has {replicas} replicas")


def check_node_ports(objects):
    """Node ports are allocated cluster-wide whatever the protocol (one Service may use a number
    for both TCP and UDP), and must lie in the NodePort range."""
    owner = {}
    for (kind, name), (file, doc) in objects.items():
        if kind != "Service":
            continue
        at = f"deploy/kubernetes/{file}: Service {name}"
        for port in doc["spec"].get("ports", []):
            number = port.get("nodePort")
            if number is None:
                continue
            if number not in NODE_PORTS:
                problem(at, f"nodePort {number} is outside {NODE_PORTS.start}-{NODE_PORTS.stop - 1}")
            if owner.setdefault(number, name) != name:
                problem(at, f"nodePort {number} is Service {owner[number]}'s too")


def check_hpa(name, objects):
    entry = objects.get(("HorizontalPodAutoscaler", f"accord-{name}"))
    if entry is None:
        problem("deploy/kubernetes", f"no HorizontalPodAutoscaler accord-{name} for {name}")
        return
    file, hpa = entry
    at = f"deploy/kubernetes/{file}: HorizontalPodAutoscaler accord-{name}"
    if hpa["apiVersion"] != "autoscaling/v2":
        problem(at, "use autoscaling/v2")
    target = hpa["spec"]["scaleTargetRef"]
    if target.get("kind") != "Deployment" or ("Deployment", target.get("name")) not in objects:
        problem(at, f"scales {target.get('kind')} {target.get('name')}, which is not here")
    elif target["name"] != f"accord-{name}":
        problem(at, f"scales {target['name']} instead of accord-{name}")
    metrics = hpa["spec"].get("metrics", [])
    if not any(m.get("type") == "Resource" and m["resource"]["name"] == "cpu" for m in metrics):
        problem(at, "must scale on CPU")
    if hpa["spec"].get("minReplicas", 1) < 2:
        problem(at, "minReplicas below 2 leaves a single point of failure")


def check_ingress(objects):
    edge = ("Service", "accord-edge")
    if edge in objects and objects[edge][1]["spec"].get("type") == "LoadBalancer":
        return
    backends = []
    for (kind, _), (_, doc) in objects.items():
        if kind == "Ingress":
            for rule in doc["spec"].get("rules", []):
                backends += [p["backend"]["service"] for p in rule["http"]["paths"]]
    if not any(b["name"] == "accord-edge" for b in backends):
        problem("deploy/kubernetes", "nothing exposes the edge (an Ingress or a LoadBalancer Service)")
    elif edge in objects:
        ports = objects[edge][1]["spec"]["ports"]
        for b in backends:
            if b["name"] == "accord-edge" and not any(
                b["port"].get("name") == p.get("name") or b["port"].get("number") == p["port"] for p in ports
            ):
                problem("deploy/kubernetes/ingress.yaml", "the Ingress names a port the edge Service lacks")


def main():
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    check_dockerfile(root)
    check_compose(root)
    check_kubernetes(root)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"deploy/check.py: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("deploy/check.py: Dockerfile, compose and Kubernetes files agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
