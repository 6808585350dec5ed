/** Adversarial bf16 inputs: the generators live in search/adversarial.ts (the gate uses them too). */
export * from "../../search/adversarial.js";
