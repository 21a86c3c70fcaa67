// Command meshlens-lint checks the rendered mixin the way the ecosystem's linters do, with only
// Apache-licensed parts: Grafana dashboards against Grafana's own schema types (the
// grafana-foundation-sdk, strict decoding) plus dashboard-linter's rules, and Prometheus rule files
// with Prometheus' own parser plus mixtool's and pint's rules. Findings listed in an exclusions
// file (a `.lint` file, as kubernetes-mixin keeps) are reported as excluded, each with its reason.
//
//	meshlens-lint dashboards [-exclusions FILE] DASHBOARD.json...
//	meshlens-lint rules [-exclusions FILE] RULES.yaml...
//
// Exit status: 0 without findings, 1 with findings, 2 on bad usage or unreadable input.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
)

// Finding is one problem: the rule that found it, where (file and object), and what.
type Finding struct {
	Rule    string
	File    string
	Object  string // dashboard title / panel title, or rule group / rule name
	Message string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: [%s] %s: %s", f.File, f.Rule, f.Object, f.Message)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	exclusionsFile := fs.String("exclusions", "", "a .lint file of findings that are accepted, each with its reason")
	_ = fs.Parse(os.Args[2:])
	if fs.NArg() == 0 {
		usage()
	}
	ex, err := loadExclusions(*exclusionsFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "meshlens-lint: %v\n", err)
		os.Exit(2)
	}
	var findings []Finding
	for _, file := range fs.Args() {
		var fs []Finding
		switch os.Args[1] {
		case "dashboards":
			fs, err = lintDashboard(file)
		case "rules":
			fs, err = lintRules(file)
		default:
			usage()
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "meshlens-lint: %s: %v\n", file, err)
			os.Exit(2)
		}
		findings = append(findings, fs...)
	}
	sort.SliceStable(findings, func(i, j int) bool { return findings[i].String() < findings[j].String() })
	failed, excluded := 0, 0
	for _, f := range findings {
		if reason, ok := ex.match(f); ok {
			excluded++
			fmt.Printf("excluded %s (%s)\n", f, reason)
			continue
		}
		failed++
		fmt.Printf("FINDING %s\n", f)
	}
	unused := ex.unused()
	for _, u := range unused {
		fmt.Printf("FINDING %s: exclusion matches nothing (remove it): %s\n", *exclusionsFile, u)
	}
	fmt.Printf("%s: %d files, %d findings, %d excluded\n", os.Args[1], fs.NArg(), failed+len(unused), excluded)
	if failed+len(unused) > 0 {
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: meshlens-lint dashboards|rules [-exclusions FILE] FILE... (expected a command and at least one file)")
	os.Exit(2)
}
