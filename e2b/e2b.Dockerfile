# Skillgraph's E2B template: Node 20 and Python 3 with the sandbox runtime (runners, workspace listing) pre-baked, so
# a session's first run does not install or upload them. Built by `e2b template build` from this folder (README.md).
FROM e2bdev/code-interpreter:latest

USER root
# Node 20 or later runs the bundled TypeScript/JavaScript; python3 runs Python scripts. Both come with the base image;
# this fails the build if either is missing instead of failing the first run.
RUN node --version && python3 --version

# Written by `npx tsx e2b/write-runtime.ts`; owned by root so code running as the sandbox's user cannot change them.
COPY runtime/ /home/user/skillgraph/.runtime/
RUN mkdir -p /home/user/skillgraph/servers /home/user/skillgraph/skills /home/user/skillgraph/workspace \
 && chown -R root:root /home/user/skillgraph \
 && chmod -R a+rX /home/user/skillgraph \
 && chown user:user /home/user/skillgraph/workspace

USER user
WORKDIR /home/user/skillgraph/workspace
