#!/usr/bin/env python3
"""Checks the fenced blocks of README.md, BENCHMARKS.md and docs/*.md that no Maven test checks (run by scripts/docs.sh).

Which check owns which block, so that none goes unchecked:
  java        every block is a tagged snippet of src/test/java (ReadmeSnippetsIT), compiled and run
  xml         well-formed pom parts, the extension's coordinates this build's (ReadmeXmlSnippetTests)
  properties  loaded as junit-platform.properties and run (ReadmePropertiesTests)
  bash,       run against the sample app with this clone's managed-backend, or listed with the reason
  console     in ShellSnippetsIT.NOT_RUN (src/test/java/dev/managedbackend/sample)
  no language the failure gallery (docs/failures.md: FailureGalleryTests), the config file of
              docs/command-line.md (# backend.conf, loaded by ShellSnippetsIT) and measured output
              in BENCHMARKS.md (not a snippet: what a run printed); nowhere else
  BENCHMARKS.md's commands are benchmark runs of minutes, not run by ShellSnippetsIT
  yaml        here: parsed; the commands and paths it names are the project's
  python      here: parsed; the route it shows is the sample app's
  text        only in docs/command-line-reference.md, generated from the command model: each block is a
              command's --help, compared with what picocli prints (CommandLineReferenceTests, cli)
and here too: every scripts/... file a shell block names exists and is executable.
"""
import ast
import glob
import os
import re
import sys

import yaml  # Debian's python3-yaml, which mkdocs depends on

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
KNOWN = {"java", "xml", "properties", "bash", "console", "yaml", "python"}
problems = []


def blocks():
    """(page, line, language, text) of every fenced block; docs/benchmarks.md is generated, not written."""
    for page in ["README.md", "BENCHMARKS.md"] + sorted(p for p in glob.glob("docs/**/*.md", recursive=True)
                                                         if p != "docs/benchmarks.md"):
        lines = open(page, encoding="utf-8").read().split("\n")
        start = None
        for number, line in enumerate(lines, 1):
            fence = re.match(r"^```(\S*)\s*$", line)
            if fence and start is None:
                start, language = number, fence.group(1)
            elif line.strip() == "```" and start is not None:
                yield page, start, language, "\n".join(lines[start:number - 1]) + "\n"
                start = None
        if start is not None:
            problems.append(f"{page}:{start}: a fenced block that is never closed")


def check_yaml(where, text):
    try:
        workflow = yaml.safe_load(text)
    except yaml.YAMLError as e:
        problems.append(f"{where}: not YAML: {e}")
        return
    steps = [step for job in workflow.get("jobs", {}).values() for step in job.get("steps", [])]
    if not steps:
        problems.append(f"{where}: a workflow with no jobs or steps")
    verify = open("scripts/verify.sh", encoding="utf-8").read()
    for step in steps:
        for command in (step.get("run") or "").splitlines():
            # backend/ is the user's app: the pages' stand-in for sample-fastapi/
            if command.startswith("mvn ") and command.split()[:4] != verify.split("exec ", 1)[1].split()[:4]:
                problems.append(f"{where}: `{command}` is not the Maven command scripts/verify.sh runs")
            for path in re.findall(r"backend/(\S+)", command):
                if path != ".venv" and not path.startswith(".venv/") and not os.path.exists("sample-fastapi/" + path):
                    problems.append(f"{where}: `{command}` names backend/{path}, which sample-fastapi/ has not")
        paths = ((step.get("with") or {}).get("path") or "").split()
        settings = open("extension/src/main/java/dev/managedbackend/internal/Settings.java", encoding="utf-8").read()
        for path in paths:
            if path.startswith("**/target/managed-backend") and '"target/managed-backend"' not in settings:
                problems.append(f"{where}: {path} is not where the extension writes its logs (Settings.java)")


def check_python(where, text):
    try:
        ast.parse(text)
    except SyntaxError as e:
        problems.append(f"{where}: not Python: {e}")
    app = open("sample-fastapi/app/main.py", encoding="utf-8").read()
    for route in re.findall(r"^@app\.\w+\(.*\)$", text, re.M):
        if route not in app:
            problems.append(f"{where}: {route} is not a route of sample-fastapi/app/main.py")


count = 0
for page, line, language, text in blocks():
    count += 1
    where = f"{page}:{line}"
    if language == "text" and page == "docs/command-line-reference.md":
        continue
    if language not in KNOWN and language != "":
        problems.append(f"{where}: a ```{language} block, which no check covers (known: {', '.join(sorted(KNOWN))})")
    elif language == "" and page not in ("docs/failures.md", "BENCHMARKS.md") and not text.startswith("# backend.conf\n"):
        problems.append(f"{where}: a block without a language, which no check covers: give it one")
    elif language == "yaml":
        check_yaml(where, text)
    elif language == "python":
        check_python(where, text)
    if language in ("bash", "console"):
        for script in re.findall(r"(?<![\w/.])(scripts/[\w.-]+|\.ci/run)", text):
            if not os.access(script, os.X_OK):
                problems.append(f"{where}: {script} is not an executable file of the project")

if count == 0:
    problems.append("no fenced blocks found in README.md and docs/")
for problem in problems:
    print(f"scripts/check-snippets.py: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
