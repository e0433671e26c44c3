package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/golang/protobuf/jsonpb"        //nolint:staticcheck // the unmarshaler istio.io/api's own UnmarshalJSON uses
	protov1 "github.com/golang/protobuf/proto" //nolint:staticcheck
	"google.golang.org/protobuf/proto"
	extensionsv1alpha1 "istio.io/api/extensions/v1alpha1"
	networkingv1alpha3 "istio.io/api/networking/v1alpha3"
	networkingv1beta1 "istio.io/api/networking/v1beta1"
	securityv1beta1 "istio.io/api/security/v1beta1"
	telemetryv1alpha1 "istio.io/api/telemetry/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// object is one Kubernetes or Istio object, from a render or from a file.
type object struct {
	Source     string // render target or file
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
	JSON       []byte

	Typed runtime.Object     // Kubernetes kinds, after decode
	Meta  *metav1.ObjectMeta // Istio kinds, after decode
	Spec  proto.Message      // Istio kinds, after decode
}

func (o *object) NS() string {
	if o.Namespace == "" {
		return "default"
	}
	return o.Namespace
}

func (o *object) ID() string { return fmt.Sprintf("%s %s/%s", o.Kind, o.NS(), o.Name) }

func newObject(source string, data []byte) (*object, error) {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	if head.APIVersion == "" || head.Kind == "" {
		return nil, fmt.Errorf("%s: document without apiVersion/kind", source)
	}
	return &object{Source: source, APIVersion: head.APIVersion, Kind: head.Kind, Name: head.Metadata.Name,
		Namespace: head.Metadata.Namespace, JSON: data}, nil
}

// readYAMLFile splits a (multi-document) YAML file into objects. Duplicate keys fail here, as they do
// in kubectl's strict validation.
func readYAMLFile(path, source string) ([]*object, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objs []*object
	for i := 1; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		j, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return nil, fmt.Errorf("%s (document %d): %w", source, i, err)
		}
		if bytes.Equal(bytes.TrimSpace(j), []byte("null")) {
			continue // only comments or an empty document
		}
		o, err := newObject(source, j)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		objs = append(objs, o)
	}
	return objs, nil
}

var k8sScheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, rbacv1.AddToScheme, policyv1.AddToScheme,
		networkingv1.AddToScheme, batchv1.AddToScheme, autoscalingv2.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

type newMessage func() proto.Message

func networkingKinds(extra map[string]newMessage) map[string]newMessage {
	m := map[string]newMessage{
		"VirtualService":  func() proto.Message { return &networkingv1alpha3.VirtualService{} },
		"DestinationRule": func() proto.Message { return &networkingv1alpha3.DestinationRule{} },
		"Gateway":         func() proto.Message { return &networkingv1alpha3.Gateway{} },
		"ServiceEntry":    func() proto.Message { return &networkingv1alpha3.ServiceEntry{} },
		"Sidecar":         func() proto.Message { return &networkingv1alpha3.Sidecar{} },
		"WorkloadEntry":   func() proto.Message { return &networkingv1alpha3.WorkloadEntry{} },
		"WorkloadGroup":   func() proto.Message { return &networkingv1alpha3.WorkloadGroup{} },
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func securityKinds() map[string]newMessage {
	return map[string]newMessage{
		"AuthorizationPolicy":   func() proto.Message { return &securityv1beta1.AuthorizationPolicy{} },
		"PeerAuthentication":    func() proto.Message { return &securityv1beta1.PeerAuthentication{} },
		"RequestAuthentication": func() proto.Message { return &securityv1beta1.RequestAuthentication{} },
	}
}

func telemetryKinds() map[string]newMessage {
	return map[string]newMessage{"Telemetry": func() proto.Message { return &telemetryv1alpha1.Telemetry{} }}
}

// istioKinds: the Istio 1.29 CRDs by apiVersion, for reading them into their types.
var istioKinds = map[string]map[string]newMessage{
	"networking.istio.io/v1": networkingKinds(nil),
	"networking.istio.io/v1beta1": networkingKinds(map[string]newMessage{
		"ProxyConfig": func() proto.Message { return &networkingv1beta1.ProxyConfig{} },
	}),
	"networking.istio.io/v1alpha3": networkingKinds(map[string]newMessage{
		"EnvoyFilter": func() proto.Message { return &networkingv1alpha3.EnvoyFilter{} },
	}),
	"security.istio.io/v1":         securityKinds(),
	"security.istio.io/v1beta1":    securityKinds(),
	"telemetry.istio.io/v1":        telemetryKinds(),
	"telemetry.istio.io/v1alpha1":  telemetryKinds(),
	"extensions.istio.io/v1alpha1": {"WasmPlugin": func() proto.Message { return &extensionsv1alpha1.WasmPlugin{} }},
}

func isIstio(o *object) bool { _, ok := istioKinds[o.APIVersion]; return ok }

// decode fills o.Typed or o.Meta/o.Spec: the Go types the consistency checks read. It is lenient on purpose:
// whether the API server accepts an object (unknown or misspelt fields, enums, names, labels, kinds and versions
// it serves) is checked by the API server itself, scripts/verify-k8s.sh --server in the cluster stage. What
// cannot be read into its type at all is reported, and a kind without Go types here is left to that check.
func decode(o *object) []string {
	gvk := schema.FromAPIVersionAndKind(o.APIVersion, o.Kind)
	if typed, err := k8sScheme.New(gvk); err == nil {
		if err := json.Unmarshal(o.JSON, typed); err != nil {
			return []string{fmt.Sprintf("%s: %v", o.ID(), err)}
		}
		o.Typed = typed
		return nil
	}
	if mk, ok := istioKinds[o.APIVersion][o.Kind]; ok {
		return decodeIstio(o, mk())
	}
	return nil
}

func decodeIstio(o *object, spec proto.Message) []string {
	var env struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
		Spec     json.RawMessage   `json:"spec"`
	}
	if err := json.Unmarshal(o.JSON, &env); err != nil {
		return []string{fmt.Sprintf("%s: %v", o.ID(), err)}
	}
	if len(env.Spec) == 0 || string(env.Spec) == "null" {
		return []string{fmt.Sprintf("%s: no spec", o.ID())}
	}
	if err := unmarshalIstio(env.Spec, spec, true); err != nil {
		return []string{fmt.Sprintf("%s: spec: %v", o.ID(), err)}
	}
	o.Meta = &env.Metadata
	o.Spec = spec
	return nil
}

// unmarshalIstio parses JSON the way istio.io/api's generated UnmarshalJSON does (golang/protobuf
// jsonpb: camelCase or proto field names, enum names, Go-style durations such as "3m"); unknown fields are
// errors unless allowUnknown (objects the API server validates: their types are only read here).
func unmarshalIstio(data []byte, msg proto.Message, allowUnknown bool) error {
	u := jsonpb.Unmarshaler{AllowUnknownFields: allowUnknown}
	return u.Unmarshal(bytes.NewReader(data), protov1.MessageV1(msg))
}
