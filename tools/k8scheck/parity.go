package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
)

// checkParity compares the compiled-in kustomize render of dir with another render in file (for
// example `kubectl kustomize dir`), object by object, so the kustomize the checker pins and the one
// users run through kubectl cannot drift apart unnoticed.
func checkParity(root, dir, file string) []string {
	m, err := renderDir(filepath.Join(root, dir))
	if err != nil {
		return []string{err.Error()}
	}
	ours, problems := resMapObjects(m, dir)
	if len(problems) > 0 {
		return problems
	}
	theirs, err := readYAMLFile(file, file)
	if err != nil {
		return []string{err.Error()}
	}
	index := func(objs []*object) map[string]any {
		out := map[string]any{}
		for _, o := range objs {
			var v any
			_ = json.Unmarshal(o.JSON, &v)
			out[o.APIVersion+" "+o.ID()] = v
		}
		return out
	}
	a, b := index(ours), index(theirs)
	var p []string
	for id, v := range a {
		w, ok := b[id]
		switch {
		case !ok:
			p = append(p, fmt.Sprintf("%s: only in the compiled-in render", id))
		case !reflect.DeepEqual(v, w):
			p = append(p, fmt.Sprintf("%s: differs", id))
		}
	}
	for id := range b {
		if _, ok := a[id]; !ok {
			p = append(p, fmt.Sprintf("%s: only in %s", id, file))
		}
	}
	sort.Strings(p)
	return p
}
