// Testing Library's waitFor / findBy* give up after 1 s by default. A React tree rendering on a
// loaded 2-core machine can take longer than that to reach a state it does reach (seen: a Ports
// notices test failing once under a parallel CI run, passing alone), so the waits get room. They
// still return as soon as their condition holds; only a wait that is failing anyway runs longer.
// Only files whose environment has a DOM load the library: the others would pay its import for nothing.
if (typeof (globalThis as { document?: unknown }).document !== 'undefined') {
  const { configure } = await import('@testing-library/dom');
  configure({ asyncUtilTimeout: 15_000 });
}

export {};
