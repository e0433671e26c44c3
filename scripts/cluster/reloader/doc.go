// Package reloader holds no code: the module exists to build Stakater Reloader (the tool line in go.mod keeps
// its dependencies in go.sum) at one version from the Go module proxy. Reloader's own go.mod requires a
// pseudo-version of github.com/openshift/api that the module proxy does not serve; the replace line in go.mod
// points it at the nearest earlier commit the proxy serves (the OpenShift API types Reloader uses, for
// DeploymentConfigs, are the same in both). scripts/cluster/tools.sh builds it:
//
//	go build -trimpath -ldflags "-X github.com/stakater/Reloader/pkg/common.Version=..." github.com/stakater/Reloader
package reloader
