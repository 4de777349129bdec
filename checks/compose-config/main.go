// Command compose-config loads a Compose file exactly the way `docker compose config`
// does and prints the resolved project as JSON.
//
// Why this exists: CI and developer machines may have no Docker engine and no compose
// plugin, yet compose.yaml must never be handed to users broken. compose-go is the
// loader Docker Compose v2 itself is built on, so its verdict is the real one:
// YAML syntax, the Compose Specification JSON schema (unknown keys, wrong types),
// variable interpolation (including ${VAR:?message} errors) and cross-references
// (depends_on, networks, volumes) are all checked here, not re-implemented.
//
// Usage:
//
//	go run . [-f path/to/compose.yaml]
//
// Exit status 0 and the canonical project JSON on stdout when the file is valid;
// exit status 1 and the loader's own message on stderr when it is not.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	composeFile := flag.String("f", "compose.yaml", "Compose file to load")
	flag.Parse()

	projectJSON, err := loadCanonicalJSON(*composeFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "compose-config: %s: %v\n", *composeFile, err)
		os.Exit(1)
	}
	os.Stdout.Write(projectJSON)
	fmt.Println()
}

// loadCanonicalJSON mirrors the option set of `docker compose config`: the process
// environment and the project's .env file feed interpolation, relative paths are
// resolved against the file's folder, and schema validation and consistency checks
// stay on (they are on by default; naming them documents that they matter here).
func loadCanonicalJSON(composeFile string) ([]byte, error) {
	absolutePath, err := filepath.Abs(composeFile)
	if err != nil {
		return nil, err
	}
	options, err := cli.NewProjectOptions(
		[]string{absolutePath},
		cli.WithWorkingDirectory(filepath.Dir(absolutePath)),
		cli.WithOsEnv,
		cli.WithDotEnv,
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return nil, err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return nil, err
	}
	return project.MarshalJSON()
}
