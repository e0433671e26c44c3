// Package kubernetes holds no code: the module exists to build the commands of k8s.io/kubernetes (the tool
// lines in go.mod keep every command's dependencies in go.sum) at one version from the Go module proxy.
// k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/client-go, ...) as v0.0.0 with replace
// lines into its own git tree, which a dependent module does not see; the replace lines in go.mod point each
// at its published release of the same Kubernetes version (v0.34.x for v1.34.x). scripts/cluster/tools.sh
// builds the commands with Kubernetes' version ldflags:
//
//	go build -trimpath -ldflags "-X k8s.io/component-base/version.gitVersion=..." k8s.io/kubernetes/cmd/<name>
package kubernetes
