package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	telemetry "istio.io/api/telemetry/v1alpha1"
	corev1 "k8s.io/api/core/v1"
)

func extractTelemetryProviders(o *object) []string {
	t, ok := o.Spec.(*telemetry.Telemetry)
	if !ok {
		return nil
	}
	var out []string
	for _, tr := range t.Tracing {
		for _, p := range tr.Providers {
			out = append(out, p.Name)
		}
	}
	return out
}

// loadCompose loads docker-compose.yml with compose-go, the library `docker compose` itself uses: the
// file is validated against the Compose Specification schema (unknown keys fail), merged (x- anchors,
// <<) and normalised. No engine is needed.
func loadCompose(root string, profiles []string) (*types.Project, error) {
	opts, err := cli.NewProjectOptions([]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root),
		cli.WithName("mesh-guide"),
		cli.WithProfiles(profiles),
		cli.WithResolvedPaths(true),
		cli.WithDiscardEnvFile,
	)
	if err != nil {
		return nil, err
	}
	return opts.LoadProject(context.Background())
}

// checkCompose checks docker-compose.yml against the Kubernetes manifests it mirrors.
func checkCompose(root string, profiles []string, k8sObjs []*object, images map[string]string) []string {
	var p []string
	project, err := loadCompose(root, profiles)
	if err != nil {
		return []string{fmt.Sprintf("docker-compose.yml (profiles %v): %v", profiles, err)}
	}
	names := map[string]bool{}
	for name, s := range project.Services {
		names[name] = true
		for _, n := range s.Networks {
			if n != nil {
				for _, a := range n.Aliases {
					names[a] = true
				}
			}
		}
	}
	var cm *corev1.ConfigMap
	for _, o := range k8sObjs {
		if c, ok := o.Typed.(*corev1.ConfigMap); ok && o.Name == "data-service-config" {
			cm = c
		}
	}
	serviceNames := make([]string, 0, len(project.Services))
	for n := range project.Services {
		serviceNames = append(serviceNames, n)
	}
	sort.Strings(serviceNames)
	for _, name := range serviceNames {
		s := project.Services[name]
		where := "docker-compose.yml service " + name
		if msg := imagePinProblem(s.Image); msg != "" {
			p = append(p, where+": "+msg)
		}
		images[s.Image] = where
		for k, v := range s.Environment {
			if v == nil {
				continue
			}
			if strings.HasPrefix(*v, "http://") {
				u, err := url.Parse(*v)
				if err != nil {
					p = append(p, fmt.Sprintf("%s: %s: %v", where, k, err))
					continue
				}
				if !names[u.Hostname()] && !(k == "GATEWAY_CAPTCHA_URL" && !contains(profiles, "captcha")) {
					p = append(p, fmt.Sprintf("%s: %s=%s: no service or alias %q", where, k, *v, u.Hostname()))
				}
				if port, _ := strconv.Atoi(u.Port()); port != 8080 && port != 9411 {
					p = append(p, fmt.Sprintf("%s: %s=%s: the apps listen on 8080 and Zipkin on 9411", where, k, *v))
				}
			}
			if cm != nil && (k == "CONFIG_VALUE1" || k == "CONFIG_VALUE2") {
				key := strings.ToLower(k)
				if cm.Data[key] != *v {
					p = append(p, fmt.Sprintf("%s: %s=%q, but ConfigMap data-service-config has %s=%q", where, k, *v, key, cm.Data[key]))
				}
			}
		}
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			if _, err := os.Stat(v.Source); err != nil {
				p = append(p, fmt.Sprintf("%s: bind source %s does not exist", where, v.Source))
			}
			if v.Target == "/app/config" && cm != nil {
				data, err := os.ReadFile(filepath.Join(v.Source, "config-data.json"))
				if err != nil {
					p = append(p, fmt.Sprintf("%s: %v", where, err))
				} else if !sameJSON(string(data), cm.Data["config-data.json"]) {
					p = append(p, fmt.Sprintf("%s: %s/config-data.json differs from the ConfigMap's config-data.json", where, v.Source))
				}
			}
		}
		if s.ReadOnly != true || s.User == "" || s.User == "0" || s.User == "root" {
			if strings.HasPrefix(s.Image, "mesh-guide/") {
				p = append(p, where+": the apps run read-only as a non-root user, as in the cluster")
			}
		}
	}
	for name, sec := range project.Secrets {
		if _, err := os.Stat(sec.File); err != nil {
			p = append(p, fmt.Sprintf("docker-compose.yml secret %s: file %s does not exist", name, sec.File))
		}
	}
	return p
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
