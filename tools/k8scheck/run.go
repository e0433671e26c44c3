package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/yaml"
)

type target struct {
	name string
	objs []*object
}

func runAll(root string, r *reporter) {
	pins, err := readEnvFile(filepath.Join(root, "tools", "versions.env"))
	if err != nil {
		r.check("tools/versions.env", []string{err.Error()})
		pins = map[string]string{}
	} else {
		r.check("version pins in tools/versions.env", checkVersionPins(pins))
	}
	images := map[string]string{}

	// 1. Render every kustomization, every component on top of base, and all components together.
	roots, err := discoverKustomizeRoots(root, "k8s")
	if err != nil {
		r.check("find kustomizations under k8s/", []string{err.Error()})
		return
	}
	var targets []target
	var components []string
	for _, kr := range roots {
		if kr.IsComponent {
			components = append(components, kr.Dir)
			continue
		}
		m, err := renderDir(filepath.Join(root, kr.Dir))
		targets = append(targets, renderTarget(r, kr.Dir, m, err))
	}
	for _, c := range components {
		name := "k8s/base + " + c
		m, err := renderCombination(root, "k8s/base", []string{c})
		targets = append(targets, renderTarget(r, name, m, err))
	}
	if len(components) > 1 {
		m, err := renderCombination(root, "k8s/base", components)
		targets = append(targets, renderTarget(r, "k8s/base + all components", m, err))
	}
	r.check("every file under k8s/ is used by a kustomization", checkUnreferencedFiles(root, roots))

	// 2. Each render read into its Go types (the API server checks the schema: verify-k8s.sh --server),
	// then the consistency checks.
	external := map[string]bool{}
	var world []*object
	var baseObjs []*object
	for _, t := range targets {
		if t.objs == nil {
			continue
		}
		var schema []string
		kinds := map[string]int{}
		for _, o := range t.objs {
			schema = append(schema, decode(o)...)
			kinds[o.Kind]++
		}
		r.check(fmt.Sprintf("types %s (%s)", t.name, summarizeKinds(kinds)), schema)
		if len(schema) > 0 {
			continue
		}
		var cons []string
		cons = append(cons, tag("services", checkServices(t.objs))...)
		cons = append(cons, tag("probes", checkProbes(t.objs))...)
		cons = append(cons, tag("hardening", checkHardening(t.objs))...)
		cons = append(cons, tag("config", checkConfigRefs(t.objs))...)
		cons = append(cons, tag("rbac", checkRBAC(t.objs))...)
		cons = append(cons, tag("namespace", checkNamespaces(t.objs))...)
		urlProblems, ext := checkEnvURLs(t.objs)
		cons = append(cons, tag("urls", urlProblems)...)
		cons = append(cons, tag("istio", checkIstioAnnotations(t.objs))...)
		var istioObjs []*object
		for _, o := range t.objs {
			if o.Spec != nil {
				istioObjs = append(istioObjs, o)
			}
		}
		cons = append(cons, tag("istio refs", checkIstioRefs(istioObjs, buildWorld(t.objs)))...)
		r.check("consistency "+t.name, cons)
		for h := range ext {
			external[h] = true
		}
		for _, pt := range podTemplates(t.objs) {
			for _, c := range pt.Spec.Containers {
				images[c.Image] = t.name
			}
		}
		if t.name == "k8s/base + all components" || strings.HasPrefix(t.name, "k8s/examples/") {
			world = append(world, t.objs...)
		}
		if t.name == "k8s/base" {
			baseObjs = t.objs
		}
	}

	// 3. The Istio samples (istio/): read into their types, then references.
	istioFiles, _ := yamlFiles(root, "istio")
	fileObjs := map[string][]*object{}
	for _, f := range istioFiles {
		objs, err := readYAMLFile(filepath.Join(root, f), f)
		var problems []string
		if err != nil {
			problems = append(problems, err.Error())
		}
		for _, o := range objs {
			problems = append(problems, decode(o)...)
		}
		r.check("types "+f, problems)
		if len(problems) == 0 {
			fileObjs[f] = objs
			world = append(world, objs...)
		}
	}
	if len(istioFiles) == 0 {
		r.note("istio/ has no YAML yet: DestinationRule/VirtualService cross-checks will run once it does")
	}
	w := buildWorld(world)
	for _, f := range istioFiles {
		if objs, ok := fileObjs[f]; ok {
			r.check("references "+f+" (hosts, subsets vs pod labels, gateways, weights)", checkIstioRefs(objs, w))
		}
	}

	// 4. The cluster files: IstioOperator, kind config, Telemetry.
	installProblems, nodePorts, zipkin := checkIstioInstall(filepath.Join(root, "k8s/cluster/istio-install.yaml"))
	r.check("k8s/cluster/istio-install.yaml (IstioOperator; meshConfig as Istio's MeshConfig)", installProblems)
	r.check("k8s/cluster/kind-config.yaml (kind v1alpha4, node image pin, NodePort mappings)", checkKindConfig(filepath.Join(root, "k8s/cluster/kind-config.yaml"), pins, nodePorts))
	telemetryObjs, err := readYAMLFile(filepath.Join(root, "k8s/cluster/telemetry-tracing.yaml"), "k8s/cluster/telemetry-tracing.yaml")
	var telProblems []string
	if err != nil {
		telProblems = append(telProblems, err.Error())
	}
	for _, o := range telemetryObjs {
		telProblems = append(telProblems, decode(o)...)
	}
	r.check("types k8s/cluster/telemetry-tracing.yaml", telProblems)
	r.check("tracing: apps and Envoy report to the same Zipkin endpoint", checkTracingTargets(external, zipkin, telemetryObjs))

	// 5. docker-compose.yml, with and without the optional profile.
	if _, err := os.Stat(filepath.Join(root, "docker-compose.yml")); err == nil {
		r.check("docker-compose.yml (compose-spec schema, default profile, vs k8s/base)", checkCompose(root, nil, baseObjs, images))
		r.check("docker-compose.yml (compose-spec schema, profile captcha)", checkCompose(root, []string{"captcha"}, baseObjs, images))
	}

	// 6. Every image: built by Jib from a module at the pom's tag, or pinned in tools/versions.env.
	r.check("image pins (pom.xml image.registry/image.tag, tools/versions.env)", checkImagePins(root, images, pins))
}

// renderTarget records the render as a check and turns it into objects.
func renderTarget(r *reporter, name string, m resmap.ResMap, err error) target {
	if err != nil {
		r.check("render "+name, []string{err.Error()})
		return target{name: name}
	}
	objs, problems := resMapObjects(m, name)
	r.check("render "+name, problems)
	if len(problems) > 0 {
		return target{name: name}
	}
	return target{name: name, objs: objs}
}

func tag(category string, problems []string) []string {
	out := make([]string, len(problems))
	for i, p := range problems {
		out[i] = "[" + category + "] " + p
	}
	return out
}

func summarizeKinds(kinds map[string]int) string {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	total := 0
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%d %s", kinds[k], k))
		total += kinds[k]
	}
	return fmt.Sprintf("%d objects: %s", total, strings.Join(parts, ", "))
}

// yamlFiles lists *.yaml/*.yml under dir (relative to root), kustomization files excluded.
func yamlFiles(root, dir string) ([]string, error) {
	var out []string
	base := filepath.Join(root, dir)
	if _, err := os.Stat(base); err != nil {
		return nil, nil
	}
	err := filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || isKustomizationFile(d.Name()) {
			return nil
		}
		if strings.HasSuffix(d.Name(), ".yaml") || strings.HasSuffix(d.Name(), ".yml") {
			rel, _ := filepath.Rel(root, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// checkUnreferencedFiles: every YAML/JSON file under k8s/ (outside k8s/cluster/, which scripts use
// directly) is named by some kustomization, so nothing stale lies around looking authoritative.
func checkUnreferencedFiles(root string, roots []kustomizeRoot) []string {
	used := map[string]bool{}
	for _, kr := range roots {
		for _, n := range kustomizationFileNames {
			data, err := os.ReadFile(filepath.Join(root, kr.Dir, n))
			if err != nil {
				continue
			}
			var k map[string]any
			if err := yaml.Unmarshal(data, &k); err != nil {
				return []string{fmt.Sprintf("%s/%s: %v", kr.Dir, n, err)}
			}
			mark := func(p string) {
				if _, after, ok := strings.Cut(p, "="); ok {
					p = after
				}
				used[filepath.ToSlash(filepath.Clean(filepath.Join(kr.Dir, p)))] = true
			}
			for _, key := range []string{"resources", "components", "patchesStrategicMerge", "crds"} {
				for _, v := range asList(k[key]) {
					if s, ok := v.(string); ok {
						mark(s)
					}
				}
			}
			for _, v := range asList(k["patches"]) {
				if m, ok := v.(map[string]any); ok {
					if s, ok := m["path"].(string); ok {
						mark(s)
					}
				}
			}
			for _, gen := range []string{"configMapGenerator", "secretGenerator"} {
				for _, v := range asList(k[gen]) {
					if m, ok := v.(map[string]any); ok {
						for _, f := range asList(m["files"]) {
							if s, ok := f.(string); ok {
								mark(s)
							}
						}
						for _, f := range asList(m["envs"]) {
							if s, ok := f.(string); ok {
								mark(s)
							}
						}
					}
				}
			}
		}
	}
	var p []string
	_ = filepath.WalkDir(filepath.Join(root, "k8s"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || isKustomizationFile(d.Name()) {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "k8s/cluster/") {
			return nil
		}
		ext := filepath.Ext(rel)
		if (ext == ".yaml" || ext == ".yml" || ext == ".json") && !used[rel] {
			p = append(p, rel+" is not referenced by any kustomization")
		}
		return nil
	})
	return p
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return nil
}
