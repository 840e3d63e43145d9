// Linkage rules (server/bff/routes/rules-api.ts, seed 003 设备联动): the rules the cloud keeps and runs for the user,
// the datapoints a rule may use, and the log of firings.
import type { RuleBody, RuleIdResult, RuleList, RuleLogList, RuleParams } from '@shared/rules'
import { http } from './http'

export async function fetchRuleParams(productKeys: string[]): Promise<RuleParams> {
  return (await http.get<RuleParams>('/api/app/rules/params', { params: { product_key: productKeys.join(',') } })).data
}

export async function fetchRules(): Promise<RuleList> {
  return (await http.get<RuleList>('/api/app/rules', { params: { limit: 100, skip: 0 } })).data
}

export async function fetchRuleLogs(limit = 100): Promise<RuleLogList> {
  return (await http.get<RuleLogList>('/api/app/rules/logs', { params: { limit } })).data
}

export async function createRule(body: RuleBody): Promise<number> {
  return (await http.post<RuleIdResult>('/api/app/rules', body)).data.rule_id
}

export async function updateRule(ruleId: number, body: RuleBody): Promise<number> {
  return (await http.put<RuleIdResult>(`/api/app/rules/${ruleId}`, body)).data.rule_id
}

export async function deleteRule(ruleId: number): Promise<number> {
  return (await http.delete<RuleIdResult>(`/api/app/rules/${ruleId}`)).data.rule_id
}
