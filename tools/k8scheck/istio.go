package main

import (
	"fmt"
	"sort"
	"strings"

	networking "istio.io/api/networking/v1alpha3"
	security "istio.io/api/security/v1beta1"
	telemetry "istio.io/api/telemetry/v1alpha1"
	typev1beta1 "istio.io/api/type/v1beta1"
	corev1 "k8s.io/api/core/v1"
)

// meshWorld is everything Istio configuration can refer to: Services and the pods they select,
// ServiceEntries with their WorkloadEntries, Gateways, and the subsets DestinationRules define.
type meshWorld struct {
	services        map[string]*corev1.Service // ns/name
	templates       []podTemplate
	serviceEntries  []*object
	workloadEntries []*object
	gateways        map[string]bool            // ns/name
	subsets         map[string]map[string]bool // resolved host key -> subset names
}

func buildWorld(objs []*object) *meshWorld {
	w := &meshWorld{
		services:  serviceIndex(objs),
		templates: podTemplates(objs),
		gateways:  map[string]bool{},
		subsets:   map[string]map[string]bool{},
	}
	for _, o := range objs {
		switch o.Spec.(type) {
		case *networking.ServiceEntry:
			w.serviceEntries = append(w.serviceEntries, o)
		case *networking.WorkloadEntry:
			w.workloadEntries = append(w.workloadEntries, o)
		case *networking.Gateway:
			w.gateways[o.NS()+"/"+o.Name] = true
		}
	}
	for _, o := range objs {
		dr, ok := o.Spec.(*networking.DestinationRule)
		if !ok {
			continue
		}
		key, _, ok := w.resolve(dr.Host, o.NS())
		if !ok || key == "" {
			continue
		}
		if w.subsets[key] == nil {
			w.subsets[key] = map[string]bool{}
		}
		for _, s := range dr.Subsets {
			w.subsets[key][s.Name] = true
		}
	}
	return w
}

// resolve maps a host as written in Istio config (relative to namespace ns) to a Service or a
// ServiceEntry. Wildcard hosts resolve to "" (not checked further).
func (w *meshWorld) resolve(host, ns string) (key string, svc *corev1.Service, ok bool) {
	if strings.Contains(host, "*") {
		return "", nil, true
	}
	if name, sns, ok := splitServiceHost(host, ns); ok {
		if s, found := w.services[sns+"/"+name]; found {
			return "svc:" + sns + "/" + name, s, true
		}
	}
	fqdn := host
	if !strings.Contains(host, ".") {
		fqdn = host + "." + ns + ".svc.cluster.local"
	}
	for _, o := range w.serviceEntries {
		for _, h := range o.Spec.(*networking.ServiceEntry).Hosts {
			if h == host || h == fqdn {
				return "se:" + h, nil, true
			}
		}
	}
	return "", nil, false
}

// labelSets: the label sets of the workloads behind a resolved host.
func (w *meshWorld) labelSets(key string, svc *corev1.Service) []map[string]string {
	var out []map[string]string
	if svc != nil {
		ns := strings.SplitN(strings.TrimPrefix(key, "svc:"), "/", 2)[0]
		for _, t := range w.templates {
			if t.NS == ns && selects(svc.Spec.Selector, t.Labels) {
				out = append(out, t.Labels)
			}
		}
		return out
	}
	host := strings.TrimPrefix(key, "se:")
	for _, o := range w.serviceEntries {
		se := o.Spec.(*networking.ServiceEntry)
		if !contains(se.Hosts, host) {
			continue
		}
		for _, ep := range se.Endpoints {
			out = append(out, ep.Labels)
		}
		if se.WorkloadSelector != nil {
			for _, we := range w.workloadEntries {
				l := we.Spec.(*networking.WorkloadEntry).Labels
				if subsetOf(se.WorkloadSelector.Labels, l) {
					out = append(out, l)
				}
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func subsetOf(want, have map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// checkIstioRefs checks the Istio objects in objs against the world.
func checkIstioRefs(objs []*object, w *meshWorld) []string {
	var p []string
	for _, o := range objs {
		switch spec := o.Spec.(type) {
		case *networking.DestinationRule:
			p = append(p, checkDestinationRule(o, spec, w)...)
		case *networking.VirtualService:
			p = append(p, checkVirtualService(o, spec, w)...)
		case *security.AuthorizationPolicy:
			p = append(p, checkSelector(o, spec.Selector, w)...)
		case *security.PeerAuthentication:
			p = append(p, checkSelector(o, spec.Selector, w)...)
		case *security.RequestAuthentication:
			p = append(p, checkSelector(o, spec.Selector, w)...)
		case *telemetry.Telemetry:
			p = append(p, checkSelector(o, spec.Selector, w)...)
		case *networking.Sidecar:
			if spec.WorkloadSelector != nil {
				p = append(p, checkSelector(o, &typev1beta1.WorkloadSelector{MatchLabels: spec.WorkloadSelector.Labels}, w)...)
			}
		}
	}
	return p
}

func checkDestinationRule(o *object, dr *networking.DestinationRule, w *meshWorld) []string {
	var p []string
	key, svc, ok := w.resolve(dr.Host, o.NS())
	if !ok {
		return []string{fmt.Sprintf("%s: host %q is neither a Service nor a ServiceEntry host", o.ID(), dr.Host)}
	}
	if key == "" {
		return nil
	}
	sets := w.labelSets(key, svc)
	for _, s := range dr.Subsets {
		if len(sets) == 0 {
			break // a ServiceEntry without known workloads: nothing to compare with
		}
		found := false
		for _, l := range sets {
			if subsetOf(s.Labels, l) {
				found = true
				break
			}
		}
		if !found {
			p = append(p, fmt.Sprintf("%s: subset %q (labels %s) matches no workload behind %s", o.ID(), s.Name, fmtLabels(s.Labels), dr.Host))
		}
	}
	return p
}

func fmtLabels(l map[string]string) string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+l[k])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func checkVirtualService(o *object, vs *networking.VirtualService, w *meshWorld) []string {
	var p []string
	meshBound := len(vs.Gateways) == 0
	for _, g := range vs.Gateways {
		if g == "mesh" {
			meshBound = true
			continue
		}
		gns, gname := o.NS(), g
		if i := strings.Index(g, "/"); i >= 0 {
			gns, gname = g[:i], g[i+1:]
		}
		if !w.gateways[gns+"/"+gname] {
			p = append(p, fmt.Sprintf("%s: gateway %q does not exist", o.ID(), g))
		}
	}
	if meshBound {
		for _, h := range vs.Hosts {
			if _, _, ok := w.resolve(h, o.NS()); !ok {
				p = append(p, fmt.Sprintf("%s: host %q is neither a Service nor a ServiceEntry host", o.ID(), h))
			}
		}
	}
	dest := func(where string, d *networking.Destination) {
		if d == nil {
			return
		}
		key, svc, ok := w.resolve(d.Host, o.NS())
		if !ok {
			p = append(p, fmt.Sprintf("%s: %s: destination host %q is neither a Service nor a ServiceEntry host", o.ID(), where, d.Host))
			return
		}
		if d.Subset != "" && key != "" && !w.subsets[key][d.Subset] {
			p = append(p, fmt.Sprintf("%s: %s: subset %q of %s is defined by no DestinationRule", o.ID(), where, d.Subset, d.Host))
		}
		if d.Port != nil && d.Port.Number != 0 && svc != nil {
			found := false
			for _, sp := range svc.Spec.Ports {
				if uint32(sp.Port) == d.Port.Number {
					found = true
				}
			}
			if !found {
				p = append(p, fmt.Sprintf("%s: %s: Service %s has no port %d", o.ID(), where, d.Host, d.Port.Number))
			}
		}
	}
	weights := func(where string, ws []int32) {
		if len(ws) < 2 {
			return
		}
		var sum int32
		for _, v := range ws {
			sum += v
		}
		if sum != 100 {
			p = append(p, fmt.Sprintf("%s: %s: weights add up to %d, not 100", o.ID(), where, sum))
		}
	}
	for i, r := range vs.Http {
		where := fmt.Sprintf("http[%d]", i)
		if r.Name != "" {
			where += " (" + r.Name + ")"
		}
		var ws []int32
		for _, d := range r.Route {
			dest(where, d.Destination)
			ws = append(ws, d.Weight)
		}
		weights(where, ws)
		dest(where+" mirror", r.Mirror)
		for _, m := range r.Mirrors {
			dest(where+" mirrors", m.Destination)
		}
	}
	for i, r := range vs.Tcp {
		where := fmt.Sprintf("tcp[%d]", i)
		var ws []int32
		for _, d := range r.Route {
			dest(where, d.Destination)
			ws = append(ws, d.Weight)
		}
		weights(where, ws)
	}
	for i, r := range vs.Tls {
		where := fmt.Sprintf("tls[%d]", i)
		var ws []int32
		for _, d := range r.Route {
			dest(where, d.Destination)
			ws = append(ws, d.Weight)
		}
		weights(where, ws)
	}
	return p
}

// checkSelector: a workload selector outside the root namespace must match some workload.
func checkSelector(o *object, sel *typev1beta1.WorkloadSelector, w *meshWorld) []string {
	if sel == nil || len(sel.MatchLabels) == 0 || o.NS() == "istio-system" {
		return nil
	}
	for _, t := range w.templates {
		if t.NS == o.NS() && subsetOf(sel.MatchLabels, t.Labels) {
			return nil
		}
	}
	for _, we := range w.workloadEntries {
		if we.NS() == o.NS() && subsetOf(sel.MatchLabels, we.Spec.(*networking.WorkloadEntry).Labels) {
			return nil
		}
	}
	return []string{fmt.Sprintf("%s: selector %s matches no workload", o.ID(), fmtLabels(sel.MatchLabels))}
}
