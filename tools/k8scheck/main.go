// Command k8scheck validates the cluster path of the guide without a cluster and without network:
//
//   - renders every Kustomize root under k8s/ (and base + each component, and base + all components)
//     with the kustomize API compiled in (no kubectl needed);
//   - reads every rendered object into the real Kubernetes Go types and every Istio object into the real
//     Istio protobuf types (duplicate YAML keys fail; whether the API server accepts each object, field by
//     field, is checked against the real one: scripts/verify-k8s.sh --server in the cluster stage);
//   - checks what a schema cannot: Service selectors and target ports, probes, limits, non-root
//     security contexts, ConfigMaps never mounted with subPath, references between objects,
//     least-privilege RBAC, DestinationRule subsets against pod labels, VirtualService hosts and
//     subsets, the kind and IstioOperator files, docker-compose.yml, and the version pins.
//
// Output: one line per check ("ok" or "FAIL" with details), then "RESULT passed=N failed=M".
// Exit status 1 when any check failed.
//
//	k8scheck -root <repo>                      run every check
//	k8scheck -root <repo> -render k8s/overlays/kind     print a render (for debugging)
//	k8scheck -root <repo> -parity k8s/overlays/kind=FILE  compare a render with FILE (e.g. kubectl kustomize output)
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	root := flag.String("root", ".", "repository root")
	render := flag.String("render", "", "print the render of one kustomization directory (relative to -root) and exit")
	parity := flag.String("parity", "", "DIR=FILE: compare the render of DIR with the YAML in FILE and exit")
	flag.Parse()

	abs, err := filepath.Abs(*root)
	if err != nil {
		fatal(err)
	}
	switch {
	case *render != "":
		out, err := renderYAML(filepath.Join(abs, *render))
		if err != nil {
			fatal(err)
		}
		fmt.Print(out)
		return
	case *parity != "":
		dir, file, ok := strings.Cut(*parity, "=")
		if !ok {
			fatal(fmt.Errorf("-parity wants DIR=FILE"))
		}
		r := &reporter{}
		r.check("kustomize parity "+dir+" vs "+file, checkParity(abs, dir, file))
		r.summary()
		return
	}

	r := &reporter{}
	runAll(abs, r)
	r.summary()
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "k8scheck:", err)
	os.Exit(2)
}

type reporter struct{ passed, failed int }

// check records one check: no problems is a pass, any problem is a failure listing them all.
func (r *reporter) check(name string, problems []string) {
	if len(problems) == 0 {
		r.passed++
		fmt.Printf("ok   %s\n", name)
		return
	}
	r.failed++
	fmt.Printf("FAIL %s\n", name)
	for _, p := range problems {
		fmt.Printf("       - %s\n", p)
	}
}

func (r *reporter) note(format string, args ...any) {
	fmt.Printf("     note: "+format+"\n", args...)
}

func (r *reporter) summary() {
	fmt.Printf("RESULT passed=%d failed=%d\n", r.passed, r.failed)
	if r.failed > 0 {
		os.Exit(1)
	}
}
