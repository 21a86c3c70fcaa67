package main

import (
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A .lint file, in the form kubernetes-mixin uses:
//
//	exclusions:
//	  RULE:
//	    reason: why this finding is accepted
//	    entries:
//	      - object: "meshlens / SLO / Worst callers"   # exact object, or a prefix ending in '*'
type exclusionsFile struct {
	Exclusions map[string]struct {
		Reason  string `yaml:"reason"`
		Entries []struct {
			Object string `yaml:"object"`
		} `yaml:"entries"`
	} `yaml:"exclusions"`
}

type exclusion struct {
	rule, object, reason string
	used                 bool
}

type exclusions []*exclusion

func loadExclusions(path string) (exclusions, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f exclusionsFile
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %v (expected: exclusions: {RULE: {reason: ..., entries: [{object: ...}]}})", path, err)
	}
	var out exclusions
	for rule, e := range f.Exclusions {
		if strings.TrimSpace(e.Reason) == "" {
			return nil, fmt.Errorf("%s: exclusion of %s has no reason (every exclusion says why)", path, rule)
		}
		for _, entry := range e.Entries {
			out = append(out, &exclusion{rule: rule, object: entry.Object, reason: e.Reason})
		}
	}
	return out, nil
}

func (ex exclusions) match(f Finding) (string, bool) {
	for _, e := range ex {
		if e.rule != f.Rule {
			continue
		}
		if e.object == f.Object || (strings.HasSuffix(e.object, "*") && strings.HasPrefix(f.Object, strings.TrimSuffix(e.object, "*"))) {
			e.used = true
			return e.reason, true
		}
	}
	return "", false
}

func (ex exclusions) unused() []string {
	var out []string
	for _, e := range ex {
		if !e.used {
			out = append(out, e.rule+" "+e.object)
		}
	}
	return out
}
