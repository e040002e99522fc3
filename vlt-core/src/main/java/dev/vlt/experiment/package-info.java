/**
 * The experiment harness behind {@code vlt experiment FILE.json}: {@link dev.vlt.experiment.ExperimentSpec} (several
 * MS-CLIP configs, one data set, one budget, several seeds), {@link dev.vlt.experiment.ExperimentRunner} (same pairs in
 * the same order for every run of a seed, same evaluation, modality analysis) and
 * {@link dev.vlt.experiment.ExperimentReport} (one table of mean ± spread, all training curves on one plot).
 */
package dev.vlt.experiment;
