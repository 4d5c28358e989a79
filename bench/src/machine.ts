import { cpus, loadavg, totalmem } from 'node:os';
import type { BackendInfo } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';

/** Where and on what the benchmark ran. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly platform: string;
  /** 1-minute load average when the report was made (a shared machine shows > 0). */
  readonly loadAverage: number;
  readonly node: string;
  readonly tfjs: string;
  readonly backend: {
    readonly name: string;
    /** The device it runs on, where the backend names it (webgpu: the GPU adapter). */
    readonly device?: string;
    readonly simd?: boolean;
    readonly threads?: boolean;
    readonly threadCount?: number;
    readonly threadsReason?: string;
    /** Whether the matrix products fused their multiply-adds (the relaxed-SIMD gemm). */
    readonly fusedMultiplyAdd?: boolean;
    readonly fusedMultiplyAddReason?: string;
    readonly reason: string;
  };
}

/** The machine, Node, tfjs and the active backend with its SIMD, FMA and threads flags. */
export function describeMachine(backend: BackendInfo): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryBytes: totalmem(),
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg()[0] ?? 0,
    node: process.version,
    tfjs: tf.version_core,
    backend: {
      name: backend.name,
      ...(backend.device === undefined ? {} : { device: backend.device }),
      ...(backend.simd === undefined ? {} : { simd: backend.simd }),
      ...(backend.threads === undefined ? {} : { threads: backend.threads }),
      ...(backend.threadCount === undefined ? {} : { threadCount: backend.threadCount }),
      ...(backend.threadsReason === undefined ? {} : { threadsReason: backend.threadsReason }),
      ...(backend.fusedMultiplyAdd === undefined
        ? {}
        : { fusedMultiplyAdd: backend.fusedMultiplyAdd }),
      ...(backend.fusedMultiplyAddReason === undefined
        ? {}
        : { fusedMultiplyAddReason: backend.fusedMultiplyAddReason }),
      reason: backend.reason,
    },
  };
}
