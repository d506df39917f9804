// The whole IPC surface between the preload and the main process: two fixed channels. Method names travel
// as data on the invoke channel and are checked against the contract in main, never in the preload.
export const IPC_CHANNELS = {
  /** renderer → main: `invoke(method, input)`, answered with a contract `Reply`. */
  invoke: 'skillgraph:invoke',
  /** main → renderer: `{ event, payload }` for each contract event. */
  event: 'skillgraph:event',
} as const;

export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];
