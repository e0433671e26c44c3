package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// kustomizeRoot is a directory holding a kustomization file.
type kustomizeRoot struct {
	Dir         string // relative to the repository root, slash-separated
	IsComponent bool
}

var kustomizationFileNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// discoverKustomizeRoots finds every kustomization under dir (relative to root).
func discoverKustomizeRoots(root, dir string) ([]kustomizeRoot, error) {
	var roots []kustomizeRoot
	err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isKustomizationFile(d.Name()) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var head struct {
			Kind string `json:"kind"`
		}
		if err := yaml.Unmarshal(data, &head); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		roots = append(roots, kustomizeRoot{Dir: filepath.ToSlash(rel), IsComponent: head.Kind == "Component"})
		return nil
	})
	sort.Slice(roots, func(i, j int) bool { return roots[i].Dir < roots[j].Dir })
	return roots, err
}

func isKustomizationFile(name string) bool {
	for _, n := range kustomizationFileNames {
		if name == n {
			return true
		}
	}
	return false
}

// renderDir runs kustomize (the library kubectl embeds) on an absolute directory.
func renderDir(dir string) (resmap.ResMap, error) {
	opts := krusty.MakeDefaultOptions()
	k := krusty.MakeKustomizer(opts)
	return k.Run(filesys.MakeFsOnDisk(), dir)
}

func renderYAML(dir string) (string, error) {
	m, err := renderDir(dir)
	if err != nil {
		return "", err
	}
	out, err := m.AsYaml()
	return string(out), err
}

// renderCombination renders base plus the given components through a throw-away kustomization, the
// way a user enables a component in an overlay. The temporary directory lives outside the repository
// and refers to it by relative paths, exactly like an overlay does.
func renderCombination(root, base string, components []string) (resmap.ResMap, error) {
	tmp, err := os.MkdirTemp("", "k8scheck-combo-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	rel := func(p string) string {
		r, err := filepath.Rel(tmp, filepath.Join(root, p))
		if err != nil {
			return filepath.Join(root, p)
		}
		return filepath.ToSlash(r)
	}
	var b strings.Builder
	b.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n")
	fmt.Fprintf(&b, "- %s\n", rel(base))
	if len(components) > 0 {
		b.WriteString("components:\n")
		for _, c := range components {
			fmt.Fprintf(&b, "- %s\n", rel(c))
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, "kustomization.yaml"), []byte(b.String()), 0o644); err != nil {
		return nil, err
	}
	return renderDir(tmp)
}

// resMapObjects converts a render to objects (decoded later).
func resMapObjects(m resmap.ResMap, source string) ([]*object, []string) {
	var objs []*object
	var problems []string
	for _, r := range m.Resources() {
		data, err := r.MarshalJSON()
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", r.CurId(), err))
			continue
		}
		o, err := newObject(source, data)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		objs = append(objs, o)
	}
	return objs, problems
}
