package main

// Each case breaks a known-good set of manifests in one way and asserts that the checker says so:
// a checker that passes everything would pass the repository too. Mistakes the API server rejects (misspelt
// or misplaced fields, kinds and versions Istio does not serve, a selector that misses the template's labels)
// are seeded against the real API server instead: scripts/verify-k8s.sh --server.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// good is a minimal, correct slice of the guide: one app behind one Service, its ConfigMap and RBAC.
const good = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: business}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: business-config}
data:
  config.json: "{}"
---
apiVersion: v1
kind: Service
metadata: {name: business}
spec:
  selector: {app: business}
  ports:
  - {name: http, port: 8080, targetPort: http}
  - {name: tcp-echo, port: 9000, targetPort: tcp-echo}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: business-v1, labels: {app: business, version: v1}}
spec:
  selector: {matchLabels: {app: business, version: v1}}
  template:
    metadata:
      labels: {app: business, version: v1}
      annotations: {prometheus.io/port: "8080"}
    spec:
      serviceAccountName: business
      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: business
        image: mesh-guide/business-v1:0.1.0
        ports: [{name: http, containerPort: 8080}, {name: tcp-echo, containerPort: 9000}]
        env:
        - {name: DATA_URL, value: "http://business:8080"}
        resources:
          requests: {cpu: 100m, memory: 320Mi}
          limits: {cpu: "1", memory: 512Mi}
        startupProbe: {httpGet: {path: /actuator/health/liveness, port: http}, periodSeconds: 2, failureThreshold: 60}
        livenessProbe: {httpGet: {path: /actuator/health/liveness, port: http}}
        readinessProbe: {httpGet: {path: /actuator/health/readiness, port: http}}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
        volumeMounts:
        - {name: config, mountPath: /app/config, readOnly: true}
        - {name: tmp, mountPath: /tmp}
      volumes:
      - name: config
        configMap: {name: business-config}
      - name: tmp
        emptyDir: {}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: business}
spec:
  host: business
  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 3m}
  subsets:
  - {name: v1, labels: {version: v1}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: business}
spec:
  hosts: [business]
  http:
  - route:
    - destination: {host: business, subset: v1}
      weight: 100
`

func parse(t *testing.T, src string) []*object {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	objs, err := readYAMLFile(path, "test")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return objs
}

// problemsOf parses and checks src; a parse error (e.g. a duplicate key) is itself the problem found.
func problemsOf(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	objs, err := readYAMLFile(path, "test")
	if err != nil {
		return err.Error()
	}
	return strings.Join(allProblems(objs), "\n")
}

// allProblems runs decode and every consistency check, like runAll does for one render.
func allProblems(objs []*object) []string {
	var p []string
	for _, o := range objs {
		p = append(p, decode(o)...)
	}
	if len(p) > 0 {
		return p
	}
	p = append(p, checkServices(objs)...)
	p = append(p, checkProbes(objs)...)
	p = append(p, checkHardening(objs)...)
	p = append(p, checkConfigRefs(objs)...)
	p = append(p, checkRBAC(objs)...)
	p = append(p, checkNamespaces(objs)...)
	urls, _ := checkEnvURLs(objs)
	p = append(p, urls...)
	p = append(p, checkIstioAnnotations(objs)...)
	var istio []*object
	for _, o := range objs {
		if o.Spec != nil {
			istio = append(istio, o)
		}
	}
	p = append(p, checkIstioRefs(istio, buildWorld(objs))...)
	return p
}

func TestGoodPasses(t *testing.T) {
	if p := allProblems(parse(t, good)); len(p) > 0 {
		t.Fatalf("the good manifests fail:\n%s", strings.Join(p, "\n"))
	}
}

func TestEachMistakeIsCaught(t *testing.T) {
	cases := []struct {
		name, old, new, want string
	}{
		{"wrong type", "periodSeconds: 2", "periodSeconds: two", "periodSeconds"},
		{"bad quantity", "memory: 512Mi}", "memory: 512MB}", "quantities must match"},
		{"duplicate key", "  host: business\n  trafficPolicy", "  host: business\n  host: business\n  trafficPolicy", "already set"},
		{"bad Istio enum", "outlierDetection:", "loadBalancer: {simple: ROUND_ROBBIN}\n    outlierDetection:", "ROUND_ROBBIN"},
		{"bad Istio duration", "baseEjectionTime: 3m", "baseEjectionTime: three minutes", "invalid duration"},
		{"selector matches nothing", "selector: {app: business}", "selector: {app: busines}", "matches no pod template"},
		{"targetPort not declared", "targetPort: tcp-echo}", "targetPort: tcp-echoo}", "does not declare"},
		{"port name Istio cannot read", "{name: tcp-echo, port: 9000", "{name: echo, port: 9000", "Istio needs <protocol>"},
		{"no readiness probe", "        readinessProbe: {httpGet: {path: /actuator/health/readiness, port: http}}\n", "", "no readinessProbe"},
		{"probe on an undeclared port", "livenessProbe: {httpGet: {path: /actuator/health/liveness, port: http}}", "livenessProbe: {httpGet: {path: /actuator/health/liveness, port: management}}", "does not declare"},
		{"startup budget too short", "failureThreshold: 60}", "failureThreshold: 5}", "startupProbe allows only 10s"},
		{"no memory limit", "limits: {cpu: \"1\", memory: 512Mi}", "limits: {cpu: \"1\"}", "no memory limit"},
		{"root user", "runAsUser: 1000", "runAsUser: 0", "runAsUser 0"},
		{"Envoy's UID", "runAsUser: 1000", "runAsUser: 1337", "Envoy's UID"},
		{"writable root filesystem", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem is not true"},
		{"capabilities kept", "drop: [ALL]", "drop: [NET_RAW]", "drop does not contain ALL"},
		{"no seccomp", ", seccompProfile: {type: RuntimeDefault}", "", "seccompProfile"},
		{"floating image tag", "business-v1:0.1.0", "business-v1:latest", "floating tag"},
		{"ConfigMap mounted with subPath", "{name: config, mountPath: /app/config, readOnly: true}", "{name: config, mountPath: /app/config/config.json, subPath: config.json, readOnly: true}", "never receives updates"},
		{"missing ConfigMap", "configMap: {name: business-config}", "configMap: {name: business-cfg}", `ConfigMap "business-cfg" does not exist`},
		{"unknown ServiceAccount", "serviceAccountName: business", "serviceAccountName: buisness", "does not exist"},
		{"env URL to a Service that does not exist", "http://business:8080", "http://bussiness:8080", "no Service default/bussiness"},
		{"env URL to a port the Service lacks", "http://business:8080", "http://business:8081", "has no port 8081"},
		{"no version label", "kind: ConfigMap", "kind: Pod\nmetadata: {name: p, labels: {app: x}}\nspec: {containers: [{name: c, image: 'x/y:1'}]}\n---\napiVersion: v1\nkind: ConfigMap", "need app and version"},
		{"DestinationRule subset matches no pod", "{name: v1, labels: {version: v1}}", "{name: v1, labels: {version: v3}}", "matches no workload"},
		{"VirtualService subset without DestinationRule", "subset: v1}\n      weight: 100", "subset: v2}\n      weight: 100", `subset "v2" of business is defined by no DestinationRule`},
		{"VirtualService host that does not exist", "hosts: [business]", "hosts: [busines]", `host "busines" is neither`},
		{"weights that do not add up", "      weight: 100\n", "      weight: 20\n    - destination: {host: business, subset: v1}\n      weight: 70\n", "add up to 90"},
		{"namespace other than default", "metadata: {name: business-config}", "metadata: {name: business-config, namespace: prod}", "every sample uses default"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(good, c.old) {
				t.Fatalf("test case does not apply: %q not in the good manifests", c.old)
			}
			joined := problemsOf(t, strings.Replace(good, c.old, c.new, 1))
			if !strings.Contains(joined, c.want) {
				t.Fatalf("want a problem containing %q, got:\n%s", c.want, joined)
			}
		})
	}
}

func TestRBACLeastPrivilege(t *testing.T) {
	rbac := `
apiVersion: v1
kind: ServiceAccount
metadata: {name: data-service}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
rules:
- {apiGroups: [""], resources: [configmaps, secrets], verbs: [get, list, watch, update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: ServiceAccount, name: data-service}
- {kind: ServiceAccount, name: nobody}
---
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: data-service, version: v1}}
spec:
  serviceAccountName: data-service
  containers: [{name: c, image: x/y:1}]
`
	var p []string
	objs := parse(t, rbac)
	for _, o := range objs {
		p = append(p, decode(o)...)
	}
	p = append(p, checkRBAC(objs)...)
	joined := strings.Join(p, "\n")
	for _, want := range []string{`grants "update"`, "access to Secrets", "nobody does not exist", "token is not mounted"} {
		if !strings.Contains(joined, want) {
			t.Errorf("want %q in:\n%s", want, joined)
		}
	}
}

func TestClusterFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	iop := write("iop.yaml", `
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: demo
  meshConfig:
    enableTracing: true
    extensionProviders:
    - name: zipkin
      zipkin: {service: zipkin.istio-system.svc.cluster.local, port: 9411}
  components:
    ingressGateways:
    - name: istio-ingressgateway
      enabled: true
      k8s:
        service:
          type: NodePort
          ports: [{name: http2, port: 80, targetPort: 8080, nodePort: 30080}]
`)
	p, nodePorts, zipkin := checkIstioInstall(iop)
	if len(p) > 0 || !nodePorts[30080] || zipkin != "zipkin.istio-system.svc.cluster.local:9411" {
		t.Fatalf("good IstioOperator: %v %v %q", p, nodePorts, zipkin)
	}
	bad := write("bad.yaml", strings.Replace(strings.Replace(string(mustRead(t, iop)), "enableTracing", "enableTraceing", 1), "nodePort: 30080", "nodePorts: 30080", 1))
	p, _, _ = checkIstioInstall(bad)
	joined := strings.Join(p, "\n")
	for _, want := range []string{"enableTraceing", "nodePorts"} {
		if !strings.Contains(joined, want) {
			t.Errorf("want %q in:\n%s", want, joined)
		}
	}

	pins := map[string]string{"KIND_NODE_IMAGE": "kindest/node:v1.34.11@sha256:abc"}
	kind := write("kind.yaml", `
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
  image: kindest/node:v1.34.11@sha256:abc
  extraPortMappings:
  - {containerPort: 30080, hostPort: 8080, listenAddress: 127.0.0.1}
`)
	if p := checkKindConfig(kind, pins, map[int32]bool{30080: true}); len(p) > 0 {
		t.Fatalf("good kind config: %v", p)
	}
	p = checkKindConfig(kind, pins, map[int32]bool{30080: true, 30443: true})
	if !strings.Contains(strings.Join(p, "\n"), "30443 has no extraPortMapping") {
		t.Errorf("missing port mapping not caught: %v", p)
	}
	badKind := write("kind-bad.yaml", strings.Replace(string(mustRead(t, kind)), "extraPortMappings", "extraPortMapping", 1))
	if p := checkKindConfig(badKind, pins, nil); len(p) == 0 || !strings.Contains(p[0], "extraPortMapping") {
		t.Errorf("misspelt kind field not caught: %v", p)
	}
}

func TestComposeSchema(t *testing.T) {
	dir := t.TempDir()
	compose := "services:\n  app:\n    image: mesh-guide/x:0.1.0\n    read_only: true\n    user: \"1000:1000\"\n"
	if err := os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadCompose(dir, nil); err != nil {
		t.Fatalf("good compose file: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte(strings.Replace(compose, "read_only", "readonly", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadCompose(dir, nil); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Fatalf("misspelt compose key not caught: %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLocalClusterImagePins(t *testing.T) {
	pins := map[string]string{"CURL_DEB_VERSION": "7.88.1-10+deb12u15", "BUSYBOX_STATIC_DEB_VERSION": "1:1.35.0-4+deb12u1+b1",
		"FORTIO_VERSION": "v1.68.2", "JAEGER_GO_VERSION": "v1.75.0", "COREDNS_VERSION": "v1.14.7"}
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "pom.xml"), []byte(`<project><properties><image.registry>mesh-guide</image.registry><image.tag>0.1.0</image.tag></properties></project>`), 0o644); err != nil {
		t.Fatal(err)
	}
	good := map[string]string{"localhost/local-cluster/curl:7.88.1": "overlay", "localhost/local-cluster/fortio:1.68.2": "overlay",
		"localhost/local-cluster/busybox:1.35.0": "overlay"}
	if p := checkImagePins(root, good, pins); len(p) > 0 {
		t.Fatalf("good local images: %v", p)
	}
	for image, want := range map[string]string{
		"localhost/local-cluster/curl:8.16.0":  `gives "7.88.1"`,
		"localhost/local-cluster/fortio:1.69":  `gives "1.68.2"`,
		"localhost/local-cluster/nginx:1.27.0": "builds no image",
	} {
		p := checkImagePins(root, map[string]string{image: "overlay"}, pins)
		if len(p) != 1 || !strings.Contains(p[0], want) {
			t.Errorf("%s: want one problem containing %q, got %v", image, want, p)
		}
	}
	if p := checkVersionPins(map[string]string{"KUBERNETES_VERSION": "v1.35.0", "MINIKUBE_KUBERNETES_VERSION": "v1.34.11"}); !strings.Contains(strings.Join(p, "\n"), "is not the minor") {
		t.Errorf("Kubernetes minor mismatch not caught: %v", p)
	}
}
