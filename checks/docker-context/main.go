// Command docker-context reads a Dockerfile the way BuildKit does, with the build args a Compose file
// passes, and reports what each COPY takes from the build context.
//
// Why this exists: without a Docker engine, hadolint sees a Dockerfile but not the build. BuildKit's own
// parser and variable expansion (frontend/dockerfile) and the .dockerignore matcher it filters the context
// with (moby/patternmatcher) give the real verdict on the two things a build with build args can get wrong
// before it runs any step: a required build arg (${NAME:?}) that is not passed, and a COPY of something
// the context does not hold (missing, or left out by .dockerignore).
//
// Usage:
//
//	go run . -f docker/java.Dockerfile -context . SERVICE=gateway PORT=8080
//
// Exit status 0 and JSON on stdout, {"copies": [{"stage", "source", "missing", "ignored"}, ...]};
// exit status 1 and the reason on stderr when the Dockerfile does not parse or a word does not expand.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

type copied struct {
	Stage   string `json:"stage"`
	Source  string `json:"source"`
	Missing bool   `json:"missing"`
	Ignored bool   `json:"ignored"`
}

func main() {
	dockerfile := flag.String("f", "Dockerfile", "Dockerfile to read")
	contextDir := flag.String("context", ".", "build context (its .dockerignore applies)")
	flag.Parse()
	buildArgs := map[string]string{}
	for _, pair := range flag.Args() {
		name, value, _ := strings.Cut(pair, "=")
		buildArgs[name] = value
	}
	copies, err := contextCopies(*dockerfile, *contextDir, buildArgs)
	if err != nil {
		fmt.Fprintf(os.Stderr, "docker-context: %s: %v\n", *dockerfile, err)
		os.Exit(1)
	}
	out, _ := json.Marshal(map[string][]copied{"copies": copies})
	fmt.Println(string(out))
}

func contextCopies(dockerfile, contextDir string, buildArgs map[string]string) ([]copied, error) {
	file, err := os.Open(dockerfile)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	ast, err := parser.Parse(file)
	if err != nil {
		return nil, err
	}
	stages, _, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		return nil, err
	}
	ignored, err := dockerignore(contextDir)
	if err != nil {
		return nil, err
	}
	lex := shell.NewLex(ast.EscapeToken)
	copies := []copied{}
	for _, stage := range stages {
		// A stage sees its own ARGs and ENVs (an ARG's value is the build arg when one is passed).
		env := map[string]string{}
		expand := func(word string) (string, error) {
			result, err := lex.ProcessWordWithMatches(word, envGetter(env))
			return result.Result, err
		}
		for _, command := range stage.Commands {
			if expandable, ok := command.(instructions.SupportsSingleWordExpansion); ok {
				if err := expandable.Expand(expand); err != nil {
					return nil, fmt.Errorf("stage %s, %s: %w", stage.Name, command.Name(), err)
				}
			}
			switch c := command.(type) {
			case *instructions.ArgCommand:
				for _, arg := range c.Args {
					if value, passed := buildArgs[arg.Key]; passed {
						env[arg.Key] = value
					} else if arg.Value != nil {
						env[arg.Key] = *arg.Value
					}
				}
			case *instructions.EnvCommand:
				for _, pair := range c.Env {
					env[pair.Key] = pair.Value
				}
			case *instructions.ExposeCommand:
				// Expanded when the image is configured, not by Expand: done here so ${PORT:?} is checked too.
				for _, port := range c.Ports {
					if _, err := lex.ProcessWords(port, envGetter(env)); err != nil {
						return nil, fmt.Errorf("stage %s, expose: %w", stage.Name, err)
					}
				}
			case *instructions.CopyCommand:
				if c.From != "" {
					continue
				}
				for _, source := range c.SourcePaths {
					copies = append(copies, inspect(stage.Name, source, contextDir, ignored))
				}
			}
		}
	}
	return copies, nil
}

func inspect(stage, source, contextDir string, ignored *patternmatcher.PatternMatcher) copied {
	relative := path.Clean(strings.TrimPrefix(source, "/"))
	_, statErr := os.Stat(filepath.Join(contextDir, filepath.FromSlash(relative)))
	isIgnored, _ := ignored.MatchesOrParentMatches(relative)
	return copied{Stage: stage, Source: source, Missing: statErr != nil, Ignored: isIgnored}
}

func dockerignore(contextDir string) (*patternmatcher.PatternMatcher, error) {
	patterns := []string{}
	file, err := os.Open(filepath.Join(contextDir, ".dockerignore"))
	if err == nil {
		defer file.Close()
		if patterns, err = ignorefile.ReadAll(file); err != nil {
			return nil, err
		}
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	return patternmatcher.New(patterns)
}

func envGetter(env map[string]string) shell.EnvGetter {
	pairs := make([]string, 0, len(env))
	for name, value := range env {
		pairs = append(pairs, name+"="+value)
	}
	return shell.EnvsFromSlice(pairs)
}
