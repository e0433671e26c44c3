package main

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	meshv1alpha1 "istio.io/api/mesh/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// podTemplate is a pod spec with the labels it runs with, from any workload kind.
type podTemplate struct {
	Owner       *object
	NS          string
	Labels      map[string]string
	Annotations map[string]string
	Spec        *corev1.PodSpec
}

func podTemplates(objs []*object) []podTemplate {
	var out []podTemplate
	for _, o := range objs {
		switch t := o.Typed.(type) {
		case *appsv1.Deployment:
			out = append(out, podTemplate{o, o.NS(), t.Spec.Template.Labels, t.Spec.Template.Annotations, &t.Spec.Template.Spec})
		case *appsv1.StatefulSet:
			out = append(out, podTemplate{o, o.NS(), t.Spec.Template.Labels, t.Spec.Template.Annotations, &t.Spec.Template.Spec})
		case *appsv1.DaemonSet:
			out = append(out, podTemplate{o, o.NS(), t.Spec.Template.Labels, t.Spec.Template.Annotations, &t.Spec.Template.Spec})
		case *batchv1.Job:
			out = append(out, podTemplate{o, o.NS(), t.Spec.Template.Labels, t.Spec.Template.Annotations, &t.Spec.Template.Spec})
		case *corev1.Pod:
			out = append(out, podTemplate{o, o.NS(), t.Labels, t.Annotations, &t.Spec})
		}
	}
	return out
}

func typedOf[T any](objs []*object) []T {
	var out []T
	for _, o := range objs {
		if t, ok := o.Typed.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

func selects(selector map[string]string, podLabels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	return labels.SelectorFromSet(selector).Matches(labels.Set(podLabels))
}

// istioProtocolName: Istio picks the protocol of a Service port from its name, <protocol>[-<suffix>].
var istioProtocolName = regexp.MustCompile(`^(http|http2|https|grpc|grpc-web|tcp|tls|udp|mongo|mysql|redis)(-.*)?$`)

// findContainerPort resolves a Service targetPort (or a probe port) against one container.
func findContainerPort(c *corev1.Container, port intstr.IntOrString) bool {
	for _, cp := range c.Ports {
		if port.Type == intstr.String && cp.Name == port.StrVal {
			return true
		}
		if port.Type == intstr.Int && cp.ContainerPort == port.IntVal {
			return true
		}
	}
	return false
}

func findPodPort(spec *corev1.PodSpec, port intstr.IntOrString) bool {
	for i := range spec.Containers {
		if findContainerPort(&spec.Containers[i], port) {
			return true
		}
	}
	return false
}

// checkServices: every Service selects at least one pod template, every port is named the Istio way,
// and every targetPort exists on every pod the Service selects.
func checkServices(objs []*object) []string {
	var p []string
	templates := podTemplates(objs)
	for _, o := range objs {
		svc, ok := o.Typed.(*corev1.Service)
		if !ok {
			continue
		}
		for _, port := range svc.Spec.Ports {
			if port.AppProtocol == nil && !istioProtocolName.MatchString(port.Name) {
				p = append(p, fmt.Sprintf("%s: port %d is named %q; Istio needs <protocol>[-suffix] (http, tcp-..., grpc-...) or appProtocol", o.ID(), port.Port, port.Name))
			}
		}
		if svc.Spec.Type == corev1.ServiceTypeExternalName {
			continue
		}
		if len(svc.Spec.Selector) == 0 {
			p = append(p, fmt.Sprintf("%s: no selector", o.ID()))
			continue
		}
		var matched []podTemplate
		for _, t := range templates {
			if t.NS == o.NS() && selects(svc.Spec.Selector, t.Labels) {
				matched = append(matched, t)
			}
		}
		if len(matched) == 0 {
			p = append(p, fmt.Sprintf("%s: selector %v matches no pod template", o.ID(), svc.Spec.Selector))
			continue
		}
		for _, port := range svc.Spec.Ports {
			target := port.TargetPort
			if target.Type == intstr.Int && target.IntVal == 0 {
				target = intstr.FromInt32(port.Port)
			}
			for _, t := range matched {
				if !findPodPort(t.Spec, target) {
					p = append(p, fmt.Sprintf("%s: port %s targets %s, which %s does not declare", o.ID(), port.Name, target.String(), t.Owner.ID()))
				}
			}
		}
	}
	return p
}

// servedContainers: containers exposing a port that some Service targets. Those must have probes.
func servedContainers(objs []*object) map[*corev1.Container]podTemplate {
	out := map[*corev1.Container]podTemplate{}
	templates := podTemplates(objs)
	for _, o := range objs {
		svc, ok := o.Typed.(*corev1.Service)
		if !ok || svc.Spec.Type == corev1.ServiceTypeExternalName {
			continue
		}
		for _, t := range templates {
			if t.NS != o.NS() || !selects(svc.Spec.Selector, t.Labels) {
				continue
			}
			for _, port := range svc.Spec.Ports {
				target := port.TargetPort
				if target.Type == intstr.Int && target.IntVal == 0 {
					target = intstr.FromInt32(port.Port)
				}
				for i := range t.Spec.Containers {
					if findContainerPort(&t.Spec.Containers[i], target) {
						out[&t.Spec.Containers[i]] = t
					}
				}
			}
		}
	}
	return out
}

func probePort(pr *corev1.Probe) (intstr.IntOrString, bool) {
	switch {
	case pr.HTTPGet != nil:
		return pr.HTTPGet.Port, true
	case pr.TCPSocket != nil:
		return pr.TCPSocket.Port, true
	case pr.GRPC != nil:
		return intstr.FromInt32(pr.GRPC.Port), true
	}
	return intstr.IntOrString{}, false
}

// checkProbes: served containers have startup, readiness and liveness probes on declared ports, and the
// startup probe leaves a JVM at least a minute to start.
func checkProbes(objs []*object) []string {
	var p []string
	served := servedContainers(objs)
	for _, t := range podTemplates(objs) {
		for i := range t.Spec.Containers {
			c := &t.Spec.Containers[i]
			where := fmt.Sprintf("%s container %s", t.Owner.ID(), c.Name)
			probes := map[string]*corev1.Probe{"startupProbe": c.StartupProbe, "readinessProbe": c.ReadinessProbe, "livenessProbe": c.LivenessProbe}
			for _, name := range []string{"startupProbe", "readinessProbe", "livenessProbe"} {
				pr := probes[name]
				if pr == nil {
					if _, isServed := served[c]; isServed {
						p = append(p, fmt.Sprintf("%s: serves a Service port but has no %s", where, name))
					}
					continue
				}
				if port, ok := probePort(pr); ok && !findContainerPort(c, port) {
					p = append(p, fmt.Sprintf("%s: %s uses port %s, which the container does not declare", where, name, port.String()))
				}
			}
			if sp := c.StartupProbe; sp != nil {
				period, failures := sp.PeriodSeconds, sp.FailureThreshold
				if period == 0 {
					period = 10
				}
				if failures == 0 {
					failures = 3
				}
				if period*failures < 60 {
					p = append(p, fmt.Sprintf("%s: startupProbe allows only %ds; a JVM on a shared node needs at least 60s", where, period*failures))
				}
			}
		}
	}
	return p
}

// checkHardening: every container has requests and limits and runs non-root, read-only, without
// privileges or capabilities, under the runtime's seccomp profile, with a writable /tmp.
func checkHardening(objs []*object) []string {
	var p []string
	for _, t := range podTemplates(objs) {
		pod := t.Spec.SecurityContext
		if pod == nil {
			pod = &corev1.PodSecurityContext{}
		}
		if t.Spec.HostNetwork || t.Spec.HostPID || t.Spec.HostIPC {
			p = append(p, fmt.Sprintf("%s: uses the host network/PID/IPC namespace", t.Owner.ID()))
		}
		volumes := map[string]corev1.Volume{}
		for _, v := range t.Spec.Volumes {
			volumes[v.Name] = v
		}
		for _, c := range append(append([]corev1.Container{}, t.Spec.InitContainers...), t.Spec.Containers...) {
			where := fmt.Sprintf("%s container %s", t.Owner.ID(), c.Name)
			bad := func(format string, args ...any) { p = append(p, where+": "+fmt.Sprintf(format, args...)) }
			for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				req, hasReq := c.Resources.Requests[res]
				lim, hasLim := c.Resources.Limits[res]
				if !hasReq {
					bad("no %s request", res)
				}
				if !hasLim {
					bad("no %s limit", res)
				}
				if hasReq && hasLim && lim.Cmp(req) < 0 {
					bad("%s limit %s is below its request %s", res, lim.String(), req.String())
				}
			}
			sc := c.SecurityContext
			if sc == nil {
				sc = &corev1.SecurityContext{}
			}
			nonRoot := sc.RunAsNonRoot
			if nonRoot == nil {
				nonRoot = pod.RunAsNonRoot
			}
			if nonRoot == nil || !*nonRoot {
				bad("runAsNonRoot is not true (container or pod)")
			}
			uid := sc.RunAsUser
			if uid == nil {
				uid = pod.RunAsUser
			}
			switch {
			case uid == nil:
				bad("no runAsUser (container or pod); the apps' images run as 1000")
			case *uid == 0:
				bad("runAsUser 0")
			case *uid == 1337:
				bad("runAsUser 1337 is Envoy's UID; Istio's iptables rules would treat the app's traffic as the proxy's")
			}
			if sc.Privileged != nil && *sc.Privileged {
				bad("privileged")
			}
			if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
				bad("allowPrivilegeEscalation is not false")
			}
			if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
				bad("readOnlyRootFilesystem is not true")
			}
			if sc.Capabilities == nil || !containsCap(sc.Capabilities.Drop, "ALL") {
				bad("capabilities.drop does not contain ALL")
			}
			if sc.Capabilities != nil && len(sc.Capabilities.Add) > 0 {
				bad("adds capabilities %v", sc.Capabilities.Add)
			}
			seccomp := sc.SeccompProfile
			if seccomp == nil {
				seccomp = pod.SeccompProfile
			}
			if seccomp == nil || (seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault && seccomp.Type != corev1.SeccompProfileTypeLocalhost) {
				bad("seccompProfile is not RuntimeDefault (container or pod)")
			}
			if sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem {
				hasTmp := false
				for _, m := range c.VolumeMounts {
					if m.MountPath == "/tmp" && volumes[m.Name].EmptyDir != nil && !m.ReadOnly {
						hasTmp = true
					}
				}
				if !hasTmp {
					bad("read-only root filesystem without a writable emptyDir at /tmp (the JVM and Tomcat need it)")
				}
			}
			if msg := imagePinProblem(c.Image); msg != "" {
				bad("%s", msg)
			}
		}
	}
	return p
}

func containsCap(caps []corev1.Capability, want corev1.Capability) bool {
	for _, c := range caps {
		if c == want {
			return true
		}
	}
	return false
}

// imagePinProblem: an image must name a tag other than latest, or a digest.
func imagePinProblem(image string) string {
	if strings.Contains(image, "@sha256:") {
		return ""
	}
	name := image
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	_, tag, hasTag := strings.Cut(name, ":")
	switch {
	case !hasTag:
		return fmt.Sprintf("image %q has no tag (pin one)", image)
	case tag == "latest" || strings.HasPrefix(tag, "latest"):
		return fmt.Sprintf("image %q uses a floating tag", image)
	}
	return ""
}

// checkConfigRefs: every ConfigMap, Secret, key and ServiceAccount a pod names exists; ConfigMaps and
// Secrets are never mounted with subPath (such a mount never sees an update); every volume is used.
func checkConfigRefs(objs []*object) []string {
	var p []string
	cms := map[string]*corev1.ConfigMap{}
	secrets := map[string]*corev1.Secret{}
	sas := map[string]*corev1.ServiceAccount{}
	for _, o := range objs {
		switch t := o.Typed.(type) {
		case *corev1.ConfigMap:
			cms[o.NS()+"/"+o.Name] = t
		case *corev1.Secret:
			secrets[o.NS()+"/"+o.Name] = t
		case *corev1.ServiceAccount:
			sas[o.NS()+"/"+o.Name] = t
		}
	}
	cmHas := func(ns, name, key string) (bool, bool) {
		cm, ok := cms[ns+"/"+name]
		if !ok {
			return false, false
		}
		if key == "" {
			return true, true
		}
		_, inData := cm.Data[key]
		_, inBinary := cm.BinaryData[key]
		return true, inData || inBinary
	}
	secretHas := func(ns, name, key string) (bool, bool) {
		s, ok := secrets[ns+"/"+name]
		if !ok {
			return false, false
		}
		if key == "" {
			return true, true
		}
		_, inData := s.Data[key]
		_, inString := s.StringData[key]
		return true, inData || inString
	}
	isOptional := func(b *bool) bool { return b != nil && *b }

	for _, t := range podTemplates(objs) {
		owner := t.Owner.ID()
		if sa := t.Spec.ServiceAccountName; sa != "" && sa != "default" {
			if _, ok := sas[t.NS+"/"+sa]; !ok {
				p = append(p, fmt.Sprintf("%s: ServiceAccount %q does not exist", owner, sa))
			}
		}
		volumes := map[string]corev1.Volume{}
		for _, v := range t.Spec.Volumes {
			volumes[v.Name] = v
			if v.ConfigMap != nil && !isOptional(v.ConfigMap.Optional) {
				exists, _ := cmHas(t.NS, v.ConfigMap.Name, "")
				if !exists {
					p = append(p, fmt.Sprintf("%s: volume %s: ConfigMap %q does not exist", owner, v.Name, v.ConfigMap.Name))
				}
				for _, it := range v.ConfigMap.Items {
					if _, has := cmHas(t.NS, v.ConfigMap.Name, it.Key); exists && !has {
						p = append(p, fmt.Sprintf("%s: volume %s: ConfigMap %q has no key %q", owner, v.Name, v.ConfigMap.Name, it.Key))
					}
				}
			}
			if v.Secret != nil && !isOptional(v.Secret.Optional) {
				exists, _ := secretHas(t.NS, v.Secret.SecretName, "")
				if !exists {
					p = append(p, fmt.Sprintf("%s: volume %s: Secret %q does not exist", owner, v.Name, v.Secret.SecretName))
				}
				for _, it := range v.Secret.Items {
					if _, has := secretHas(t.NS, v.Secret.SecretName, it.Key); exists && !has {
						p = append(p, fmt.Sprintf("%s: volume %s: Secret %q has no key %q", owner, v.Name, v.Secret.SecretName, it.Key))
					}
				}
			}
		}
		used := map[string]bool{}
		for _, c := range append(append([]corev1.Container{}, t.Spec.InitContainers...), t.Spec.Containers...) {
			for _, m := range c.VolumeMounts {
				used[m.Name] = true
				v := volumes[m.Name]
				if (m.SubPath != "" || m.SubPathExpr != "") && (v.ConfigMap != nil || v.Secret != nil || v.Projected != nil || v.DownwardAPI != nil) {
					p = append(p, fmt.Sprintf("%s container %s: volume %s is mounted with subPath; a subPath mount of a ConfigMap/Secret never receives updates", owner, c.Name, m.Name))
				}
			}
			for _, e := range c.Env {
				if e.ValueFrom == nil {
					continue
				}
				if r := e.ValueFrom.ConfigMapKeyRef; r != nil && !isOptional(r.Optional) {
					exists, has := cmHas(t.NS, r.Name, r.Key)
					if !exists {
						p = append(p, fmt.Sprintf("%s container %s: env %s: ConfigMap %q does not exist", owner, c.Name, e.Name, r.Name))
					} else if !has {
						p = append(p, fmt.Sprintf("%s container %s: env %s: ConfigMap %q has no key %q", owner, c.Name, e.Name, r.Name, r.Key))
					}
				}
				if r := e.ValueFrom.SecretKeyRef; r != nil && !isOptional(r.Optional) {
					exists, has := secretHas(t.NS, r.Name, r.Key)
					if !exists {
						p = append(p, fmt.Sprintf("%s container %s: env %s: Secret %q does not exist", owner, c.Name, e.Name, r.Name))
					} else if !has {
						p = append(p, fmt.Sprintf("%s container %s: env %s: Secret %q has no key %q", owner, c.Name, e.Name, r.Name, r.Key))
					}
				}
				if r := e.ValueFrom.FieldRef; r != nil {
					if m := regexp.MustCompile(`^metadata\.labels\['([^']+)'\]$`).FindStringSubmatch(r.FieldPath); m != nil {
						if _, ok := t.Labels[m[1]]; !ok {
							p = append(p, fmt.Sprintf("%s container %s: env %s reads label %q, which the pod does not have", owner, c.Name, e.Name, m[1]))
						}
					}
				}
			}
			for _, ef := range c.EnvFrom {
				if r := ef.ConfigMapRef; r != nil && !isOptional(r.Optional) {
					if exists, _ := cmHas(t.NS, r.Name, ""); !exists {
						p = append(p, fmt.Sprintf("%s container %s: envFrom ConfigMap %q does not exist", owner, c.Name, r.Name))
					}
				}
				if r := ef.SecretRef; r != nil && !isOptional(r.Optional) {
					if exists, _ := secretHas(t.NS, r.Name, ""); !exists {
						p = append(p, fmt.Sprintf("%s container %s: envFrom Secret %q does not exist", owner, c.Name, r.Name))
					}
				}
			}
		}
		for name := range volumes {
			if !used[name] {
				p = append(p, fmt.Sprintf("%s: volume %s is never mounted", owner, name))
			}
		}
	}
	return p
}

// checkRBAC: namespaced, read-only, no Secrets, no wildcards; bindings point at existing roles and
// ServiceAccounts; a ServiceAccount that was granted API access has its token mounted.
func checkRBAC(objs []*object) []string {
	var p []string
	roles := map[string]*rbacv1.Role{}
	sas := map[string]*corev1.ServiceAccount{}
	for _, o := range objs {
		switch t := o.Typed.(type) {
		case *rbacv1.Role:
			roles[o.NS()+"/"+o.Name] = t
			for i, r := range t.Rules {
				for _, list := range [][]string{r.APIGroups, r.Resources, r.Verbs, r.ResourceNames} {
					for _, v := range list {
						if v == "*" {
							p = append(p, fmt.Sprintf("%s: rule %d uses a wildcard", o.ID(), i))
						}
					}
				}
				for _, v := range r.Verbs {
					if v != "get" && v != "list" && v != "watch" {
						p = append(p, fmt.Sprintf("%s: rule %d grants %q; the guide's roles are read-only (get/list/watch)", o.ID(), i, v))
					}
				}
				for _, res := range r.Resources {
					if res == "secrets" {
						p = append(p, fmt.Sprintf("%s: rule %d grants access to Secrets; mount them as files instead", o.ID(), i))
					}
				}
			}
		case *rbacv1.ClusterRole, *rbacv1.ClusterRoleBinding:
			p = append(p, fmt.Sprintf("%s: cluster-wide RBAC; the apps need namespaced Roles only", o.ID()))
		case *corev1.ServiceAccount:
			sas[o.NS()+"/"+o.Name] = t
		}
	}
	boundSAs := map[string]bool{}
	for _, o := range objs {
		rb, ok := o.Typed.(*rbacv1.RoleBinding)
		if !ok {
			continue
		}
		if rb.RoleRef.Kind != "Role" {
			p = append(p, fmt.Sprintf("%s: binds a %s; use a namespaced Role", o.ID(), rb.RoleRef.Kind))
		} else if _, ok := roles[o.NS()+"/"+rb.RoleRef.Name]; !ok {
			p = append(p, fmt.Sprintf("%s: Role %q does not exist", o.ID(), rb.RoleRef.Name))
		}
		for _, s := range rb.Subjects {
			if s.Kind != "ServiceAccount" {
				p = append(p, fmt.Sprintf("%s: subject %s %s is not a ServiceAccount", o.ID(), s.Kind, s.Name))
				continue
			}
			ns := s.Namespace
			if ns == "" {
				ns = o.NS()
			}
			if _, ok := sas[ns+"/"+s.Name]; !ok {
				p = append(p, fmt.Sprintf("%s: ServiceAccount %s/%s does not exist", o.ID(), ns, s.Name))
			}
			boundSAs[ns+"/"+s.Name] = true
		}
	}
	for _, t := range podTemplates(objs) {
		key := t.NS + "/" + t.Spec.ServiceAccountName
		if !boundSAs[key] {
			continue
		}
		mount := true
		if sa := sas[key]; sa != nil && sa.AutomountServiceAccountToken != nil {
			mount = *sa.AutomountServiceAccountToken
		}
		if t.Spec.AutomountServiceAccountToken != nil {
			mount = *t.Spec.AutomountServiceAccountToken
		}
		if !mount {
			p = append(p, fmt.Sprintf("%s: its ServiceAccount %s was granted API access but the token is not mounted", t.Owner.ID(), t.Spec.ServiceAccountName))
		}
	}
	return p
}

// checkNamespaces: the guide runs in the default namespace (short hosts like `business` in istio/).
func checkNamespaces(objs []*object) []string {
	var p []string
	for _, o := range objs {
		if o.Kind == "Namespace" {
			if o.Name != "default" {
				p = append(p, fmt.Sprintf("%s: the samples assume the default namespace", o.ID()))
			}
			continue
		}
		if o.Namespace != "" && o.Namespace != "default" {
			p = append(p, fmt.Sprintf("%s: namespace %q; every sample uses default", o.ID(), o.Namespace))
		}
	}
	return p
}

// serviceIndex maps "ns/name" to Services.
func serviceIndex(objs []*object) map[string]*corev1.Service {
	m := map[string]*corev1.Service{}
	for _, o := range objs {
		if s, ok := o.Typed.(*corev1.Service); ok {
			m[o.NS()+"/"+o.Name] = s
		}
	}
	return m
}

// splitServiceHost turns business, business.default, business.default.svc and
// business.default.svc.cluster.local into (name, namespace). External names return ok=false.
func splitServiceHost(host, defaultNS string) (name, ns string, ok bool) {
	parts := strings.Split(host, ".")
	switch {
	case len(parts) == 1:
		return parts[0], defaultNS, true
	case len(parts) == 2:
		return parts[0], parts[1], true
	case len(parts) == 3 && parts[2] == "svc":
		return parts[0], parts[1], true
	case len(parts) == 5 && parts[2] == "svc" && parts[3] == "cluster" && parts[4] == "local":
		return parts[0], parts[1], true
	}
	return "", "", false
}

// checkEnvURLs: URLs in env values point at a Service of the render and one of its ports
// (a misspelt `bussiness:8080` fails here, not at three in the morning). Hosts in other namespaces
// (istio-system add-ons) are returned for the caller to match against the Istio install.
func checkEnvURLs(objs []*object) ([]string, map[string]bool) {
	var p []string
	external := map[string]bool{}
	services := serviceIndex(objs)
	namespaces := map[string]bool{}
	for _, o := range objs {
		namespaces[o.NS()] = true
	}
	for _, t := range podTemplates(objs) {
		for _, c := range t.Spec.Containers {
			for _, e := range c.Env {
				if !strings.HasPrefix(e.Value, "http://") && !strings.HasPrefix(e.Value, "https://") {
					continue
				}
				u, err := url.Parse(e.Value)
				if err != nil {
					p = append(p, fmt.Sprintf("%s container %s: env %s: %v", t.Owner.ID(), c.Name, e.Name, err))
					continue
				}
				name, ns, ok := splitServiceHost(u.Hostname(), t.NS)
				if !ok {
					continue // an external host
				}
				if !namespaces[ns] {
					external[u.Host] = true
					continue
				}
				svc, ok := services[ns+"/"+name]
				if !ok {
					p = append(p, fmt.Sprintf("%s container %s: env %s=%s: no Service %s/%s", t.Owner.ID(), c.Name, e.Name, e.Value, ns, name))
					continue
				}
				port := 80
				if u.Port() != "" {
					port, _ = strconv.Atoi(u.Port())
				} else if u.Scheme == "https" {
					port = 443
				}
				found := false
				for _, sp := range svc.Spec.Ports {
					if int(sp.Port) == port {
						found = true
					}
				}
				if !found {
					p = append(p, fmt.Sprintf("%s container %s: env %s=%s: Service %s has no port %d", t.Owner.ID(), c.Name, e.Name, e.Value, name, port))
				}
			}
		}
	}
	return p, external
}

// checkIstioAnnotations: proxy.istio.io/config parses as a ProxyConfig, sidecar.istio.io/inject is a
// boolean, and Prometheus annotations point at a declared port.
func checkIstioAnnotations(objs []*object) []string {
	var p []string
	for _, t := range podTemplates(objs) {
		keys := make([]string, 0, len(t.Annotations))
		for k := range t.Annotations {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := t.Annotations[k]
			switch k {
			case "proxy.istio.io/config":
				j, err := yaml.YAMLToJSONStrict([]byte(v))
				if err == nil {
					err = unmarshalIstio(j, &meshv1alpha1.ProxyConfig{}, false)
				}
				if err != nil {
					p = append(p, fmt.Sprintf("%s: annotation %s is not a valid ProxyConfig: %v", t.Owner.ID(), k, err))
				}
			case "sidecar.istio.io/inject":
				if v != "true" && v != "false" {
					p = append(p, fmt.Sprintf("%s: annotation %s=%q must be \"true\" or \"false\"", t.Owner.ID(), k, v))
				}
			case "prometheus.io/port":
				n, err := strconv.Atoi(v)
				if err != nil || !findPodPort(t.Spec, intstr.FromInt(n)) {
					p = append(p, fmt.Sprintf("%s: annotation %s=%q is not a declared container port", t.Owner.ID(), k, v))
				}
			}
		}
		if t.Labels["app"] == "" || t.Labels["version"] == "" {
			p = append(p, fmt.Sprintf("%s: pod labels need app and version (Istio telemetry, Kiali, DestinationRule subsets)", t.Owner.ID()))
		}
	}
	return p
}
