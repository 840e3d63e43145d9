// The Open API's linkage rule paths (seed 003 设备联动) on top of the typed client's one request method: kept apart
// from open-api-client.ts so the automation resources each own a small file rather than all growing one.
import type { RuleBody, RuleIdResult, RuleList, RuleLogList, RuleParams } from '@shared/rules'
import type { OpenApiClient } from './open-api-client'

export class RulesClient {
  constructor(private readonly client: OpenApiClient) {}

  params(token: string, productKeys: string[]): Promise<RuleParams> {
    return this.client.request('GET', `/app/rules/params?product_key=${encodeURIComponent(productKeys.join(','))}`, { token })
  }

  list(token: string, page: { limit: number; skip: number }): Promise<RuleList> {
    return this.client.request('GET', `/app/rules?limit=${page.limit}&skip=${page.skip}`, { token })
  }

  /** Not in the seed: the sandbox's log of firings (server/sandbox/README.md, "Invented"). */
  logs(token: string, query: { rule_id?: number; limit?: number }): Promise<RuleLogList> {
    const params = new URLSearchParams({ limit: String(query.limit ?? 20), ...(query.rule_id ? { rule_id: String(query.rule_id) } : {}) })
    return this.client.request('GET', `/app/rules/logs?${params}`, { token })
  }

  create(token: string, rule: RuleBody): Promise<RuleIdResult> {
    return this.client.request('POST', '/app/rules', { token, body: rule })
  }

  update(token: string, ruleId: number, rule: RuleBody): Promise<RuleIdResult> {
    return this.client.request('PUT', `/app/rules/${ruleId}`, { token, body: { ...rule, rule_id: ruleId } })
  }

  remove(token: string, ruleId: number): Promise<RuleIdResult> {
    return this.client.request('DELETE', `/app/rules/${ruleId}`, { token })
  }
}
