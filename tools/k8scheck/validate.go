package main

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
)

// validateK8sObject repeats the parts of the API server's validation that a typo in our files could
// trip and that strict decoding cannot see: names, labels, port names, selectors, keys.
func validateK8sObject(o *object) []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, o.ID()+": "+fmt.Sprintf(format, args...)) }
	meta, err := metaOf(o.Typed)
	if err != nil {
		add("%v", err)
		return p
	}
	p = append(p, validateMeta(o, meta)...)

	switch t := o.Typed.(type) {
	case *corev1.Service:
		for _, e := range validation.IsDNS1035Label(t.Name) {
			add("Service name %q: %s", t.Name, e)
		}
		seen := map[string]bool{}
		for _, port := range t.Spec.Ports {
			if len(t.Spec.Ports) > 1 && port.Name == "" {
				add("port %d needs a name (more than one port)", port.Port)
			}
			if port.Name != "" {
				for _, e := range validation.IsDNS1123Label(port.Name) {
					add("port name %q: %s", port.Name, e)
				}
				if seen[port.Name] {
					add("duplicate port name %q", port.Name)
				}
				seen[port.Name] = true
			}
			if port.Port < 1 || port.Port > 65535 {
				add("port %d out of range", port.Port)
			}
		}
		if t.Spec.Type == corev1.ServiceTypeExternalName {
			for _, e := range validation.IsDNS1123Subdomain(t.Spec.ExternalName) {
				add("externalName %q: %s", t.Spec.ExternalName, e)
			}
		}
	case *corev1.ConfigMap:
		for k := range t.Data {
			for _, e := range validation.IsConfigMapKey(k) {
				add("key %q: %s", k, e)
			}
		}
	case *corev1.Secret:
		for k := range t.StringData {
			for _, e := range validation.IsConfigMapKey(k) {
				add("key %q: %s", k, e)
			}
		}
		for k := range t.Data {
			for _, e := range validation.IsConfigMapKey(k) {
				add("key %q: %s", k, e)
			}
		}
	case *appsv1.Deployment:
		if t.Spec.Selector == nil {
			add("no spec.selector")
			break
		}
		sel, err := metav1.LabelSelectorAsSelector(t.Spec.Selector)
		if err != nil {
			add("selector: %v", err)
		} else if !sel.Matches(labels.Set(t.Spec.Template.Labels)) {
			add("selector %s does not match the template labels %v (the API server rejects this)", sel, t.Spec.Template.Labels)
		}
		p = append(p, validatePodSpec(o, &t.Spec.Template.Spec)...)
	case *corev1.Pod:
		p = append(p, validatePodSpec(o, &t.Spec)...)
	case *rbacv1.Role:
		for i, r := range t.Rules {
			if len(r.Verbs) == 0 {
				add("rule %d has no verbs", i)
			}
		}
	}
	return p
}

func validateMeta(o *object, m *metav1.ObjectMeta) []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, o.ID()+": "+fmt.Sprintf(format, args...)) }
	if m.Name == "" {
		add("metadata.name is empty")
	} else {
		for _, e := range validation.IsDNS1123Subdomain(m.Name) {
			add("name %q: %s", m.Name, e)
		}
	}
	for k, v := range m.Labels {
		for _, e := range validation.IsQualifiedName(k) {
			add("label key %q: %s", k, e)
		}
		for _, e := range validation.IsValidLabelValue(v) {
			add("label %s=%q: %s", k, v, e)
		}
	}
	for k := range m.Annotations {
		for _, e := range validation.IsQualifiedName(k) {
			add("annotation key %q: %s", k, e)
		}
	}
	return p
}

func validatePodSpec(o *object, spec *corev1.PodSpec) []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, o.ID()+": "+fmt.Sprintf(format, args...)) }
	volumes := map[string]bool{}
	for _, v := range spec.Volumes {
		if volumes[v.Name] {
			add("duplicate volume %q", v.Name)
		}
		volumes[v.Name] = true
	}
	for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
		for _, e := range validation.IsDNS1123Label(c.Name) {
			add("container name %q: %s", c.Name, e)
		}
		for _, port := range c.Ports {
			if port.Name != "" {
				for _, e := range validation.IsValidPortName(port.Name) {
					add("container %s port name %q: %s", c.Name, port.Name, e)
				}
			}
		}
		for _, e := range c.Env {
			for _, msg := range validation.IsEnvVarName(e.Name) {
				add("container %s env %q: %s", c.Name, e.Name, msg)
			}
		}
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] {
				add("container %s mounts unknown volume %q", c.Name, m.Name)
			}
		}
		for _, r := range []corev1.ResourceList{c.Resources.Requests, c.Resources.Limits} {
			for name := range r {
				if name != corev1.ResourceCPU && name != corev1.ResourceMemory && name != corev1.ResourceEphemeralStorage {
					add("container %s: unexpected resource %q", c.Name, name)
				}
			}
		}
	}
	return p
}

func metaOf(obj any) (*metav1.ObjectMeta, error) {
	if a, ok := obj.(metav1.ObjectMetaAccessor); ok {
		return a.GetObjectMeta().(*metav1.ObjectMeta), nil
	}
	return nil, fmt.Errorf("%T has no metadata", obj)
}
